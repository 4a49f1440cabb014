import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { createTestDb, type TestDb } from './support/db.js';
import { startAppProcess, Browserless, type AppProcess } from './support/processes.js';
import { createUser } from '../server/auth/users.js';
import { PASSWORD } from './support/app.js';
import { loadConfig, parseTrustProxy } from '../server/config.js';

// TRUST_PROXY takes what Express documents for 'trust proxy', is checked at start-up, and
// behind a real proxy hop (TLS ended at the proxy) a production server signs people in.

describe('TRUST_PROXY values', () => {
  it.each([
    ['1', 1], ['2', 2], ['0', 0], ['true', true], ['false', false], ['TRUE', true],
    ['127.0.0.1', ['127.0.0.1']], ['::1', ['::1']], ['10.0.0.0/8', ['10.0.0.0/8']], ['10.0.0.0/255.0.0.0', ['10.0.0.0/255.0.0.0']], ['fc00::/7', ['fc00::/7']],
    ['loopback', ['loopback']], ['loopback, linklocal, uniquelocal', ['loopback', 'linklocal', 'uniquelocal']], ['loopback,10.1.2.3', ['loopback', '10.1.2.3']],
  ])('%s is %j, and Express takes it', (raw, value) => {
    expect(parseTrustProxy(raw)).toEqual({ value });
    expect(loadConfig({ DATABASE_FILE: ':memory:', TRUST_PROXY: raw }).trustProxy).toEqual(value);
    const app = express();
    expect(() => app.set('trust proxy', value)).not.toThrow();
  });

  it('a hop count trusts that many proxies, no more', () => {
    const app = express();
    app.set('trust proxy', (parseTrustProxy('1') as { value: number }).value);
    const trust = app.get('trust proxy fn');
    expect(trust('10.0.0.1', 0)).toBe(true);
    expect(trust('10.0.0.1', 1)).toBe(false);
  });

  it.each(['banana', '1.2.3', '10.0.0.0/33', 'loopback,,10.0.0.1', '-1', 'yes'])('refuses %s with one line', (raw) => {
    const problem = parseTrustProxy(raw);
    expect(typeof problem).toBe('string');
    expect(() => loadConfig({ DATABASE_FILE: ':memory:', TRUST_PROXY: raw })).toThrow(/^Invalid configuration:\n {2}TRUST_PROXY: .+ \(as Express's "trust proxy"\)$/);
  });

  it('is not set when blank', () => {
    expect(loadConfig({ DATABASE_FILE: ':memory:', TRUST_PROXY: '' }).trustProxy).toBeUndefined();
  });
});

/** A reverse proxy as nginx runs it: TLS ended in front of it, so it says https and who asked. */
async function startProxy(target: string): Promise<{ url: string; close: () => Promise<void> }> {
  const to = new URL(target);
  const server = http.createServer((req, res) => {
    const headers = { ...req.headers, 'x-forwarded-proto': 'https', 'x-forwarded-for': '203.0.113.7', 'x-forwarded-host': req.headers.host };
    const upstream = http.request({ host: to.hostname, port: to.port, path: req.url, method: req.method, headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    upstream.on('error', () => {
      res.writeHead(502);
      res.end();
    });
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, close: () => new Promise((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }) };
}

describe('behind a proxy', () => {
  let tdb: TestDb;
  const procs: AppProcess[] = [];
  beforeAll(async () => {
    tdb = await createTestDb();
    await createUser(tdb.db, { email: 'lead@council.example', name: 'Lead', role: 'data_lead', password: PASSWORD });
  }, 60_000);
  afterAll(async () => {
    for (const p of procs) if (p.child.exitCode === null) p.child.kill('SIGKILL');
    await tdb.destroy();
  });

  const production = { NODE_ENV: 'production', SECURE_COOKIES: 'true' };

  it('signs in through one proxy hop with TRUST_PROXY=1, NODE_ENV=production and SECURE_COOKIES=true', async () => {
    const app = await startAppProcess(tdb, { ...production, TRUST_PROXY: '1' });
    procs.push(app);
    const proxy = await startProxy(app.baseUrl);
    try {
      const client = new Browserless();
      const token = await client.csrf(`${proxy.url}/sign-in`);
      const res = await client.form(`${proxy.url}/sign-in`, { _csrf: token, email: 'lead@council.example', password: PASSWORD });
      expect(res.status).toBe(302);
      const cookie = res.headers.getSetCookie().find((c) => c.startsWith('fgc.sid='));
      expect(cookie).toBeDefined();
      expect(cookie).toMatch(/;\s*Secure/i);
      expect(cookie).toMatch(/;\s*HttpOnly/i);
      const cases = await client.request(`${proxy.url}/cases`);
      expect(cases.status).toBe(200);
      expect(await cases.text()).toContain('Sign out');
    } finally {
      await proxy.close();
    }
  }, 60_000);

  it('without TRUST_PROXY the same request sets no session cookie (the app sees plain HTTP)', async () => {
    const app = await startAppProcess(tdb, production);
    procs.push(app);
    const proxy = await startProxy(app.baseUrl);
    try {
      const client = new Browserless();
      const page = await client.request(`${proxy.url}/sign-in`);
      expect(page.headers.getSetCookie().some((c) => c.startsWith('fgc.sid='))).toBe(false);
    } finally {
      await proxy.close();
    }
  }, 60_000);

  it('starts with TRUST_PROXY=true, and stops at start-up with one line for a value Express would not take', async () => {
    const app = await startAppProcess(tdb, { TRUST_PROXY: 'true' });
    procs.push(app);
    expect((await fetch(`${app.baseUrl}/health`)).status).toBe(200);
    const refused = await startAppProcess(tdb, { TRUST_PROXY: 'banana' }).then(() => null, (e: Error) => e.message);
    expect(refused).toContain('TRUST_PROXY: "banana" is not true, false, a number of hops');
    expect(refused).not.toMatch(/\n\s+at /); // no stack trace
  }, 60_000);
});
