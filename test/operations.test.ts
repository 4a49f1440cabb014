import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { Writable } from 'node:stream';
import pino from 'pino';
import { loadConfig, ConfigError } from '../server/config.js';
import { createApp } from '../server/app.js';
import { createServices } from '../server/services.js';
import { createUser } from '../server/auth/users.js';
import { createTestDb, type TestDb } from './support/db.js';
import { dateFields, postForm, signIn, PASSWORD } from './support/app.js';
import { verifyPassword } from '../server/auth/passwords.js';
import type { Logger } from '../server/logger.js';

/** Runs a project script; stdin gets `input`, or nothing (closed) when none is given. */
function run(args: string[], env: NodeJS.ProcessEnv, input?: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn('npx', ['tsx', ...args], { env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.stdin.end(input ?? '');
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

describe('configuration', () => {
  it('has safe embedded defaults', () => {
    const c = loadConfig({ DATABASE_FILE: ':memory:' });
    expect(c).toMatchObject({ port: 3000, host: '127.0.0.1', databaseUrl: undefined, sessionIdleMinutes: 30, secureCookies: false });
    expect(c.sessionSecret.length).toBeGreaterThanOrEqual(32);
  });
  it('lists every invalid setting at start-up', () => {
    expect(() => loadConfig({ PORT: 'abc', DATABASE_URL: 'mysql://x', SESSION_SECRET: 'short' })).toThrow(ConfigError);
    try {
      loadConfig({ PORT: 'abc', DATABASE_URL: 'mysql://x', SESSION_SECRET: 'short' });
    } catch (e) {
      expect(String((e as Error).message)).toMatch(/PORT[\s\S]*DATABASE_URL must start with postgres[\s\S]*SESSION_SECRET must be at least 32/);
    }
  });
  it('requires a session secret for a production PostgreSQL deployment', () => {
    expect(() => loadConfig({ NODE_ENV: 'production', DATABASE_URL: 'postgres://h/db' })).toThrow(/SESSION_SECRET/);
  });
});

describe('logs', () => {
  let t: TestDb;
  const lines: string[] = [];
  beforeAll(async () => {
    t = await createTestDb();
  });
  afterAll(() => t.destroy());

  it('never carry a child name or date of birth, even from a search or a failed form', async () => {
    const sink = new Writable({ write(chunk, _e, cb) { lines.push(String(chunk)); cb(); } });
    const logger = pino({ level: 'trace' }, sink);
    const app = createApp(createServices(t.db, loadConfig({ NODE_ENV: 'test', DATABASE_FILE: ':memory:' }), logger as unknown as Logger));
    await createUser(t.db, { email: 'c@council.example', name: 'C', role: 'coordinator', password: PASSWORD });
    const agent = await signIn(app, 'c@council.example');
    await postForm(agent, '/families', { first_name: 'Zebedee', last_name: 'Quixotic', ...dateFields('date_of_birth', '2018-07-23') });
    await postForm(agent, '/families', { first_name: 'Zebedee', last_name: 'Quixotic', 'date_of_birth-day': '31', 'date_of_birth-month': '2', 'date_of_birth-year': '2018' });
    await agent.get('/cases?q=Zebedee%20Quixotic');
    const log = lines.join('');
    expect(lines.length).toBeGreaterThan(3);
    expect(log).toContain('/cases');
    expect(log).not.toMatch(/Zebedee|Quixotic|2018-07-23|23\/07\/2018/);
    expect(log).not.toContain(PASSWORD);
  });
});

describe('npm run create-user', () => {
  let t: TestDb;
  beforeAll(async () => {
    t = await createTestDb();
  });
  afterAll(() => t.destroy());

  it('creates an administrator with a generated password printed once, and takes one from standard input', async () => {
    const env = { ...process.env, ...(t.options.databaseUrl ? { DATABASE_URL: t.options.databaseUrl } : { DATABASE_FILE: t.options.sqliteFile! }) };
    const { stdout } = await run(['scripts/create-user.ts', '--email', 'Admin@Council.example', '--name', 'Ada Admin'], env);
    const password = /Password \(shown once\): (\S+)/.exec(stdout)?.[1];
    expect(password).toBeTruthy();
    const admin = await t.db('users').where({ email: 'admin@council.example' }).first();
    expect(admin.role).toBe('admin');
    expect(await verifyPassword(admin.password_hash, password!)).toBe(true);

    const { stdout: out } = await run(['scripts/create-user.ts', '--email', 'lead@council.example', '--name', 'Lee Lead', '--role', 'data_lead'], env, 'a piped password of length\n');
    expect(out).toContain('Created data_lead lead@council.example');
    expect(out).not.toContain('shown once');
    const lead = await t.db('users').where({ email: 'lead@council.example' }).first();
    expect(await verifyPassword(lead.password_hash, 'a piped password of length')).toBe(true);

    const again = await run(['scripts/create-user.ts', '--email', 'lead@council.example', '--name', 'Again'], env);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('already exists');
  });
});
