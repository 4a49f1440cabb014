import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Knex } from 'knex';
import net from 'node:net';
import Database from 'better-sqlite3';
import { createTestDb, type TestDb } from './support/db.js';
import { startAppProcess, Browserless, type AppProcess } from './support/processes.js';
import { createUser } from '../server/auth/users.js';
import { PASSWORD, dateFields } from './support/app.js';
import { seedFamily, seedReferral } from './support/cases.js';
import { demoInterchangeFile, type DemoInterchangeFile } from './support/interchange-file.js';
import { importInterchange } from '../server/interchange/index.js';

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
  expect(await client.signIn(baseUrl, email, PASSWORD)).toBe(302);
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

  // Code lists, users and settings are kept in each process's memory (server/common/change-markers.ts):
  // a change made through one process must show on the other at its next request.
  it('shows on one process a code list, role, deactivation or setting changed through the other', async () => {
    const [a, b] = procs;
    await createUser(tdb.db, { email: 'kept-admin@council.example', name: 'Kept admin', role: 'admin', password: PASSWORD });
    const userId = await createUser(tdb.db, { email: 'kept-coord@council.example', name: 'Kept coord', role: 'coordinator', password: PASSWORD });
    const f = await seedFamily(tdb.db, 'PROC-KEPT', [{ first_name: 'Kit', date_of_birth: '2015-02-02', cms_id: 'AB12' }]);
    const admin = new Browserless();
    const coord = new Browserless();
    await signInTo(admin, b.baseUrl, 'kept-admin@council.example');
    await signInTo(coord, a.baseUrl, 'kept-coord@council.example');
    const onA = async (path: string) => coord.request(a.baseUrl + path);
    const adminForm = async (path: string, body: Record<string, string>) => {
      const res = await admin.form(b.baseUrl + path, { _csrf: await admin.csrf(b.baseUrl + '/admin/settings'), ...body });
      expect(res.status).toBe(302);
    };

    // a new code, then retiring it
    expect(await (await onA('/families/new')).text()).not.toContain('Kept test ethnicity');
    await adminForm('/admin/code-lists/ethnicity', { code: 'KEPTTEST', label: 'Kept test ethnicity', group: 'Other' });
    expect(await (await onA('/families/new')).text()).toContain('Kept test ethnicity');
    await adminForm('/admin/code-lists/ethnicity/KEPTTEST/retire', { retired: 'yes' });
    expect(await (await onA('/families/new')).text()).not.toContain('Kept test ethnicity');

    // the CMS id format, which the family page checks
    const familyPage = `/families/${f.familyId}`;
    expect(await (await onA(familyPage)).text()).not.toContain('not in your council');
    await adminForm('/admin/settings', { cms_id_pattern: '^[0-9]+$' });
    expect(await (await onA(familyPage)).text()).toContain('not in your council');
    await adminForm('/admin/settings', { cms_id_pattern: '' });
    expect(await (await onA(familyPage)).text()).not.toContain('not in your council');

    // a role without case access, then back, then deactivated
    expect((await onA('/cases')).status).toBe(200);
    await adminForm(`/admin/users/${userId}`, { role: 'admin', team: '', active: 'yes' });
    expect((await onA('/cases')).status).toBe(403);
    await adminForm(`/admin/users/${userId}`, { role: 'coordinator', team: '', active: 'yes' });
    expect((await onA('/cases')).status).toBe(200);
    await adminForm(`/admin/users/${userId}`, { role: 'coordinator', team: '', active: 'no' });
    const refused = await onA('/cases');
    expect(refused.status).toBe(302);
    expect(refused.headers.get('location')).toBe('/sign-in');
  });

  it('shares sign-in rate limits between processes (they live in the database)', async () => {
    const rows = await tdb.db('rate_limits').select('key', 'hits');
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.reduce((s: number, r) => s + Number(r.hits), 0)).toBeGreaterThanOrEqual(3); // sign-ins on both processes
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
  // A coordinator adds families and another records offers while the data lead imports a
  // large interchange file; the server is killed while the import is being written. Every
  // save the server acknowledged must be there, the import must be all there or not at all,
  // and the database must be intact (and usable: the same file then imports in full).
  let file: DemoInterchangeFile;
  const offers: { id: number; version: number }[] = [];

  beforeAll(async () => {
    await createUser(tdb.db, { email: 'lead@council.example', name: 'Lead', role: 'data_lead', password: PASSWORD });
    file = await demoInterchangeFile(5000, 'killimport');
    for (let i = 0; i < 40; i++) {
      const f = await seedFamily(tdb.db, `KILL-OFFER-${i}`, [{ first_name: 'Offer', date_of_birth: '2017-03-03' }]);
      const id = await seedReferral(tdb.db, f.familyId, [{ child_id: f.childIds[0] }], { referral_date: '2025-02-01' });
      offers.push({ id, version: Number((await tdb.db('referrals').where({ id }).first()).version) });
    }
  }, 120_000);

  const count = async (table: string, where?: (q: Knex.QueryBuilder) => void) => {
    const q = tdb.db(table);
    if (where) where(q);
    return Number((await q.count({ n: '*' }).first())!.n);
  };
  const imported = async () => ({
    families: await count('families', (q) => q.where('family_ref', 'like', `${file.refPrefix}%`)),
    children: await count('children', (q) => q.where('child_ref', 'like', `${file.refPrefix}%`)),
    referrals: await count('referrals', (q) => q.where('referral_ref', 'like', `${file.refPrefix}%`)),
  });

  /** Resolves once the import's transaction has been writing for a while (it alone holds a write that long). */
  async function importWriting(): Promise<void> {
    if (tdb.options.sqliteFile) {
      // SQLite: another connection cannot take the write lock; a save holds it for a few milliseconds.
      const probe = new Database(tdb.options.sqliteFile);
      probe.pragma('busy_timeout = 0');
      try {
        for (let busy = 0; busy < 4; await new Promise((r) => setTimeout(r, 50))) {
          try {
            probe.exec('begin immediate');
            probe.exec('rollback');
            busy = 0;
          } catch (e) {
            if ((e as { code?: string }).code !== 'SQLITE_BUSY') throw e;
            busy++;
          }
        }
      } finally {
        probe.close();
      }
      return;
    }
    // PostgreSQL: a transaction that has written (it has an xid) and has been open for a while.
    for (;;) {
      const row = await tdb.db('pg_stat_activity').whereRaw('datname = current_database()').whereNotNull('backend_xid')
        .whereRaw("xact_start < now() - interval '300 milliseconds'").count({ n: '*' }).first();
      if (Number(row!.n) > 0) return;
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  it('loses no acknowledged save, leaves no part of the import, and the database is intact', async () => {
    const before = { families: await count('families'), children: await count('children'), referrals: await count('referrals') };
    expect(await imported()).toEqual({ families: 0, children: 0, referrals: 0 });
    const p = await startAppProcess(tdb);
    const coordinator = new Browserless();
    await signInTo(coordinator, p.baseUrl, 'coord@council.example');
    const token = await coordinator.csrf(`${p.baseUrl}/cases`);
    const lead = new Browserless();
    await signInTo(lead, p.baseUrl, 'lead@council.example');

    // Two streams of saves until the server dies: new families, and offers on the seeded referrals.
    const families = { tried: new Set<string>(), acked: [] as string[] };
    const offered = { tried: new Set<number>(), acked: [] as number[] };
    let dead = false;
    const familyStream = (async () => {
      for (let i = 0; !dead; i++) {
        const name = `Kill${i}`;
        families.tried.add(name);
        try {
          // The children share a date of birth and look alike, so say they are different (no duplicate check page).
          const res = await coordinator.form(`${p.baseUrl}/families`, { _csrf: token, last_name: name, ...dateFields('date_of_birth', '2018-02-02'), confirm_duplicates: 'yes' });
          if (res.status === 302) families.acked.push(name);
        } catch {
          break;
        }
      }
    })();
    const offerStream = (async () => {
      for (const o of offers) {
        if (dead) break;
        offered.tried.add(o.id);
        try {
          const res = await coordinator.form(`${p.baseUrl}/referrals/${o.id}/stages/offer`, {
            _csrf: token, version: String(o.version), ...dateFields('offer_date', '2025-02-03'), offered_by: `Killer ${o.id}`, offer_method: 'Phone',
          });
          if (res.status === 302) offered.acked.push(o.id);
          else expect(res.status, await res.text()).toBe(302);
        } catch {
          break;
        }
        await new Promise((r) => setTimeout(r, 100)); // spread over the import
      }
    })();

    while (families.acked.length < 10 || offered.acked.length < 2) await new Promise((r) => setTimeout(r, 20));

    // The data lead uploads the file (checked, nothing written), then confirms it.
    const uploadToken = await lead.csrf(`${p.baseUrl}/imports/interchange`);
    const form = new FormData();
    form.append('_csrf', uploadToken);
    form.append('file', new Blob([new Uint8Array(file.csv)], { type: 'text/csv' }), 'big.csv');
    const preview = await lead.request(`${p.baseUrl}/imports/interchange`, { method: 'POST', body: form });
    const previewHtml = await preview.text();
    expect(preview.status, previewHtml.slice(0, 2000)).toBe(200);
    const action = /action="(\/imports\/interchange\/\d+\/apply)"/.exec(previewHtml)![1];
    const applyToken = /name="_csrf" value="([^"]+)"/.exec(previewHtml)![1];
    let applyAnswered: number | null = null;
    const apply = lead.form(`${p.baseUrl}${action}`, { _csrf: applyToken }).then((r) => (applyAnswered = r.status), () => undefined);
    const ackedBeforeImport = families.acked.length + offered.acked.length;

    await importWriting();
    await new Promise((r) => setTimeout(r, 150));
    expect(applyAnswered, 'the import was still being written when the server was killed').toBeNull();
    p.child.kill('SIGKILL');
    dead = true;
    await p.exited;
    await Promise.all([familyStream, offerStream, apply]);
    expect(applyAnswered).toBeNull();
    if (process.env.KILL_TIMING) console.log({ ackedBeforeImport, families: families.acked.length, offers: offered.acked.length, file: file.rows });
    expect(ackedBeforeImport).toBeGreaterThanOrEqual(12);

    // Every acknowledged save is there; nothing is there that was not sent.
    const kids = new Set((await tdb.db('children').where('last_name', 'like', 'Kill%').select('last_name')).map((r) => r.last_name));
    for (const name of families.acked) expect(kids.has(name), name).toBe(true);
    for (const name of kids) expect(families.tried.has(name), name).toBe(true);
    const offersDone = await tdb.db('referrals').whereIn('id', offers.map((o) => o.id)).whereNotNull('offer_date').select('id', 'offer_date', 'offered_by');
    for (const id of offered.acked) expect(offersDone.find((r) => r.id === id), `offer on referral ${id}`).toMatchObject({ offer_date: '2025-02-03', offered_by: `Killer ${id}` });
    for (const r of offersDone) expect(offered.tried.has(Number(r.id)), `referral ${r.id}`).toBe(true);

    // The import is all or nothing: nothing here, as it never finished. Apart from it, the
    // database holds what it held plus the saves (one family and one child each).
    expect(await imported()).toEqual({ families: 0, children: 0, referrals: 0 });
    expect(await count('families')).toBe(before.families + kids.size);
    expect(await count('children')).toBe(before.children + kids.size);
    expect(await count('referrals')).toBe(before.referrals);
    // No audit row for a record that is not there (a half-written import would leave some).
    for (const [column, table] of [['family_id', 'families'], ['child_id', 'children'], ['referral_id', 'referrals']] as const) {
      const orphans = await tdb.db('audit_log as a').leftJoin(`${table} as t`, 't.id', `a.${column}`)
        .whereNotNull(`a.${column}`).whereNull('t.id').whereNot('a.action', 'delete').count({ n: '*' }).first();
      expect(Number(orphans!.n), `audit rows naming missing ${table}`).toBe(0);
    }
    // every saved child came with its family and its audit rows (no half-applied write)
    const unaudited = await tdb.db('children as c').leftJoin('audit_log as a', function () { this.on('a.child_id', '=', 'c.id').andOnVal('a.action', '=', 'create'); })
      .where('c.last_name', 'like', 'Kill%').whereNull('a.id').count({ n: '*' }).first();
    expect(Number(unaudited!.n)).toBe(0);
    if (tdb.options.sqliteFile) {
      const raw = new Database(tdb.options.sqliteFile, { readonly: true });
      expect(raw.pragma('integrity_check', { simple: true })).toBe('ok');
      expect(raw.pragma('foreign_key_check')).toEqual([]);
      raw.close();
    }

    // The server starts again on the same database, and the same file now imports in full.
    const again = await startAppProcess(tdb);
    expect((await fetch(`${again.baseUrl}/health`)).status).toBe(200);
    again.child.kill('SIGTERM');
    expect(await again.exited).toBe(0);
    const outcome = await importInterchange(tdb.db, file.csv, { filename: 'big.csv', userId: null });
    expect(outcome.problems).toEqual([]);
    expect(outcome.summary.families).toEqual({ create: file.families, update: 0, unchanged: 0 });
    expect(await imported()).toEqual({ families: file.families, children: file.children, referrals: file.referrals });
  }, 180_000);
});

describe('migrations from several processes at once', () => {
  it('lets one process migrate while the others wait, on an empty database', async () => {
    const empty = await createTestDb({ migrate: false });
    try {
      const started = await Promise.all([startAppProcess(empty), startAppProcess(empty), startAppProcess(empty)]);
      for (const p of started) expect((await fetch(`${p.baseUrl}/health`)).status).toBe(200);
      const applied = await empty.db('knex_migrations').select('name');
      expect(applied.length).toBe(new Set(applied.map((m) => m.name)).size);
      expect(applied.length).toBeGreaterThanOrEqual(2);
      for (const p of started) p.child.kill('SIGTERM');
      await Promise.all(started.map((p) => p.exited));
    } finally {
      await empty.destroy();
    }
  }, 90_000);
});
