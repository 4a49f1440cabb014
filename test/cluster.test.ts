import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import http from 'node:http';
import { createTestDb, type TestDb } from './support/db.js';
import { startAppProcess, Browserless, type AppProcess } from './support/processes.js';
import os from 'node:os';
import { createUser } from '../server/auth/users.js';
import { ConfigError, loadConfig } from '../server/config.js';
import { PASSWORD } from './support/app.js';

// WORKERS=2: one start, two app processes sharing the port (node:cluster, server/cluster.ts),
// on one database (SQLite file, or PostgreSQL when DATABASE_URL is set).

let tdb: TestDb;
let server: AppProcess | undefined;
beforeAll(async () => {
  tdb = await createTestDb();
  await createUser(tdb.db, { email: 'coord@council.example', name: 'Coord', role: 'coordinator', password: PASSWORD });
});
afterAll(async () => {
  if (server?.child.exitCode === null) {
    server.child.kill('SIGTERM'); // its processes stop with it
    await server.exited;
  }
  await tdb.destroy();
});

async function signInTo(client: Browserless, baseUrl: string, email: string) {
  expect(await client.signIn(baseUrl, email, PASSWORD)).toBe(302);
}

describe('several app processes from one start (WORKERS)', () => {
  /** A GET on a connection of its own (the cluster hands each new connection to the next process). */
  const getAlone = (url: string, cookie: string) => new Promise<number>((resolve, reject) => {
    http.get(url, { agent: false, headers: { cookie } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode!));
    }).on('error', reject);
  });
  const workersOf = (pid: number) => fs.readdirSync(`/proc/${pid}/task`)
    .flatMap((tid) => fs.readFileSync(`/proc/${pid}/task/${tid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number));
  const until = async (ok: () => boolean, what: string) => {
    for (let i = 0; i < 300 && !ok(); i++) await new Promise((r) => setTimeout(r, 100));
    if (!ok()) throw new Error(`timed out waiting for ${what}`);
  };
  /** The processes whose request log lines name this path, from this point of the output on. */
  const servedBy = (out: string, path: string) =>
    new Set(out.split('\n').filter((l) => l.includes(`"url":"${path}"`)).map((l) => JSON.parse(l).pid as number));

  it('serves from every process with one session, replaces one that dies, and stops them all on SIGTERM', async () => {
    const p = (server = await startAppProcess(tdb, { WORKERS: '2' }));
    await until(() => (p.output().match(/listening on/g) ?? []).length === 2, 'both processes to listen');
    const first = workersOf(p.child.pid!);
    expect(first).toHaveLength(2);
    const client = new Browserless();
    await signInTo(client, p.baseUrl, 'coord@council.example');
    for (let i = 0; i < 6; i++) expect(await getAlone(`${p.baseUrl}/cases`, client.cookie)).toBe(200);
    expect(servedBy(p.output(), '/cases')).toEqual(new Set(first));

    process.kill(first[0], 'SIGKILL');
    await until(() => workersOf(p.child.pid!).length === 2 && !workersOf(p.child.pid!).includes(first[0]), 'a replacement process');
    await until(() => (p.output().match(/listening on/g) ?? []).length === 3, 'the replacement to listen');
    const now = workersOf(p.child.pid!);
    const before = p.output().length;
    for (let i = 0; i < 6; i++) expect(await getAlone(`${p.baseUrl}/families/new`, client.cookie)).toBe(200);
    expect(servedBy(p.output().slice(before), '/families/new')).toEqual(new Set(now));

    p.child.kill('SIGTERM');
    expect(await p.exited).toBe(0);
    for (const pid of now) expect(fs.existsSync(`/proc/${pid}`)).toBe(false);
  }, 90_000);
});

describe('WORKERS', () => {
  it('is 1 unless set, a number of processes, or auto (one per core)', () => {
    const config = (env: Record<string, string>) => loadConfig({ DATABASE_FILE: ':memory:', ...env } as NodeJS.ProcessEnv);
    expect(config({}).workers).toBe(1);
    expect(config({ WORKERS: '3' }).workers).toBe(3);
    expect(config({ WORKERS: 'auto' }).workers).toBe(os.availableParallelism());
    for (const bad of ['0', 'two', '1.5']) expect(() => config({ WORKERS: bad })).toThrow(ConfigError);
  });
});
