import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import net from 'node:net';
import Database from 'better-sqlite3';
import { createTestDb, type TestDb } from './support/db.js';
import { startAppProcess, Browserless, type AppProcess } from './support/processes.js';
import { createUser } from '../server/auth/users.js';
import { PASSWORD, dateFields } from './support/app.js';
import { seedFamily, seedReferral } from './support/cases.js';

// The app as separate operating-system processes on one database (SQLite file, or
// PostgreSQL when DATABASE_URL is set): what a load-balanced deployment runs.

let tdb: TestDb;
const procs: AppProcess[] = [];
let referralId: number;

beforeAll(async () => {
  tdb = await createTestDb();
  await createUser(tdb.db, { email: 'coord@council.example', name: 'Coord', role: 'coordinator', password: PASSWORD });
  await createUser(tdb.db, { email: 'other@council.example', name: 'Other', role: 'coordinator', password: PASSWORD });
  const f = await seedFamily(tdb.db, 'PROC-1', [{ first_name: 'Pat', date_of_birth: '2016-01-01' }]);
  referralId = await seedReferral(tdb.db, f.familyId, [{ child_id: f.childIds[0] }], { referral_date: '2025-01-10' });
  // Release our own connections to the file so the processes own it.
  procs.push(await startAppProcess(tdb), await startAppProcess(tdb));
}, 90_000);

afterAll(async () => {
  for (const p of procs) if (p.child.exitCode === null) p.child.kill('SIGKILL');
  await tdb.destroy();
});

async function signInTo(client: Browserless, baseUrl: string, email: string) {
  const token = await client.csrf(`${baseUrl}/sign-in`);
  const res = await client.form(`${baseUrl}/sign-in`, { _csrf: token, email, password: PASSWORD });
  expect(res.status).toBe(302);
}

describe('two app processes on one database', () => {
  it('honours on one process a session started on the other', async () => {
    const [a, b] = procs;
    const client = new Browserless();
    await signInTo(client, a.baseUrl, 'coord@council.example');
    const onB = await client.request(`${b.baseUrl}/cases`);
    expect(onB.status).toBe(200);
    expect(await onB.text()).toContain('PROC-1');
  });

  it('refuses the second of two concurrent edits made through different processes', async () => {
    const [a, b] = procs;
    const first = new Browserless();
    const second = new Browserless();
    await signInTo(first, a.baseUrl, 'coord@council.example');
    await signInTo(second, b.baseUrl, 'other@council.example');
    const url = `/referrals/${referralId}/stages/offer`;
    const pageA = await (await first.request(a.baseUrl + url)).text();
    const pageB = await (await second.request(b.baseUrl + url)).text();
    const token = (html: string) => /name="_csrf" value="([^"]+)"/.exec(html)![1];
    const version = (html: string) => /name="version" value="(\d+)"/.exec(html)![1];
    expect(version(pageA)).toBe(version(pageB));
    const saveA = await first.form(a.baseUrl + url, { _csrf: token(pageA), version: version(pageA), ...dateFields('offer_date', '2025-01-12'), offered_by: 'A' });
    const saveB = await second.form(b.baseUrl + url, { _csrf: token(pageB), version: version(pageB), ...dateFields('offer_date', '2025-01-13'), offered_by: 'B' });
    expect(saveA.status).toBe(302);
    expect(saveB.status).toBe(409);
    const row = await tdb.db('referrals').where({ id: referralId }).first();
    expect(row).toMatchObject({ offer_date: '2025-01-12', offered_by: 'A' });
  });

  it('shares sign-in rate limits between processes (they live in the database)', async () => {
    const rows = await tdb.db('rate_limits').select('key', 'hits');
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.reduce((s: number, r: any) => s + Number(r.hits), 0)).toBeGreaterThanOrEqual(3); // sign-ins on both processes
  });
});

describe('graceful shutdown', () => {
  it('finishes a request in flight on SIGTERM, refuses new connections, and exits 0', async () => {
    const p = await startAppProcess(tdb);
    const client = new Browserless();
    await signInTo(client, p.baseUrl, 'coord@council.example');
    const token = await client.csrf(`${p.baseUrl}/cases`);
    const { port } = new URL(p.baseUrl);
    const body = new URLSearchParams({ _csrf: token, last_name: 'Shutdown', ...dateFields('date_of_birth', '2019-05-05') }).toString();
    // Send the headers and half the body, then SIGTERM, then the rest.
    const socket = net.connect(Number(port), '127.0.0.1');
    await new Promise((r) => socket.once('connect', r));
    let response = '';
    socket.on('data', (d) => (response += d));
    socket.write(`POST /families HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: ${client.cookie}\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n`);
    socket.write(body.slice(0, 10));
    await new Promise((r) => setTimeout(r, 300));
    p.child.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 300));
    const refused = await fetch(`${p.baseUrl}/health`).then(() => false, () => true);
    expect(refused).toBe(true);
    socket.write(body.slice(10));
    await new Promise((r) => socket.once('close', r));
    expect(response).toMatch(/^HTTP\/1\.1 302/);
    expect(await p.exited).toBe(0);
    expect(await tdb.db('children').where({ last_name: 'Shutdown' })).toHaveLength(1);
  }, 60_000);
});

describe('killed mid-stream (SIGKILL)', () => {
  it('loses no committed save and leaves the database intact', async () => {
    const p = await startAppProcess(tdb);
    const client = new Browserless();
    await signInTo(client, p.baseUrl, 'coord@council.example');
    const token = await client.csrf(`${p.baseUrl}/cases`);
    const committed: string[] = [];
    let stop = false;
    const writer = (async () => {
      for (let i = 0; i < 500 && !stop; i++) {
        const name = `Kill${i}`;
        try {
          // The children share a date of birth and look alike, so say they are different (no duplicate check page).
          const res = await client.form(`${p.baseUrl}/families`, { _csrf: token, last_name: name, ...dateFields('date_of_birth', '2018-02-02'), confirm_duplicates: 'yes' });
          if (res.status === 302) committed.push(name);
        } catch {
          break;
        }
      }
    })();
    await new Promise((r) => setTimeout(r, 1500));
    p.child.kill('SIGKILL');
    stop = true;
    await writer;
    expect(committed.length).toBeGreaterThan(5);
    const saved = new Set((await tdb.db('children').where('last_name', 'like', 'Kill%').select('last_name')).map((r: any) => r.last_name));
    for (const name of committed) expect(saved.has(name), name).toBe(true);
    // every saved child came with its family and its audit rows (no half-applied write)
    const orphans = await tdb.db('children as c').leftJoin('audit_log as a', function () { this.on('a.child_id', '=', 'c.id').andOnVal('a.action', '=', 'create'); })
      .where('c.last_name', 'like', 'Kill%').whereNull('a.id').count({ n: '*' }).first();
    expect(Number(orphans!.n)).toBe(0);
    if (tdb.options.sqliteFile) {
      const raw = new Database(tdb.options.sqliteFile, { readonly: true });
      expect(raw.pragma('integrity_check', { simple: true })).toBe('ok');
      raw.close();
    }
  }, 60_000);
});

describe('migrations from several processes at once', () => {
  it('lets one process migrate while the others wait, on an empty database', async () => {
    const empty = await createTestDb({ migrate: false });
    try {
      const started = await Promise.all([startAppProcess(empty), startAppProcess(empty), startAppProcess(empty)]);
      for (const p of started) expect((await fetch(`${p.baseUrl}/health`)).status).toBe(200);
      const applied = await empty.db('knex_migrations').select('name');
      expect(applied.length).toBe(new Set(applied.map((m: any) => m.name)).size);
      expect(applied.length).toBeGreaterThanOrEqual(2);
      for (const p of started) p.child.kill('SIGTERM');
      await Promise.all(started.map((p) => p.exited));
    } finally {
      await empty.destroy();
    }
  }, 90_000);
});
