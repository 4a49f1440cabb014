import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { createTestDb, type TestDb } from './support/db.js';
import { startAppProcess, Browserless, type AppProcess } from './support/processes.js';
import { createUser } from '../server/auth/users.js';
import { PASSWORD } from './support/app.js';
import { seedFamily } from './support/cases.js';
import { demoInterchangeFile, type DemoInterchangeFile } from './support/interchange-file.js';

// A data lead imports a large interchange file through the pages while a coordinator works
// on the same server (its own process, on a SQLite file or on PostgreSQL when DATABASE_URL
// is set). While the file is checked, and while it is written, the coordinator's pages
// answer promptly and a save goes through (on SQLite, where one connection writes at a
// time, the save waits for the import's commit, but pages go on being served meanwhile);
// then the import is all there.

/** A page read while an import runs answers within this (they take tens of ms). */
const PROMPT_MS = 1000;

let tdb: TestDb;
let app: AppProcess;
let file: DemoInterchangeFile;
let familyPage: string;
const lead = new Browserless();
const coordinator = new Browserless();
let token: string;

beforeAll(async () => {
  tdb = await createTestDb();
  await createUser(tdb.db, { email: 'lead@council.example', name: 'Lead', role: 'data_lead', password: PASSWORD });
  await createUser(tdb.db, { email: 'coord@council.example', name: 'Coord', role: 'coordinator', password: PASSWORD });
  const f = await seedFamily(tdb.db, 'BESIDE-1', [{ first_name: 'Sam', date_of_birth: '2015-06-01' }]);
  familyPage = `/families/${f.familyId}`;
  file = await demoInterchangeFile(8000, 'beside'); // about 16,000 rows
  app = await startAppProcess(tdb);
  for (const [client, email] of [[lead, 'lead@council.example'], [coordinator, 'coord@council.example']] as const) {
    const t = await client.csrf(`${app.baseUrl}/sign-in`);
    expect((await client.form(`${app.baseUrl}/sign-in`, { _csrf: t, email, password: PASSWORD })).status).toBe(302);
  }
  token = await coordinator.csrf(`${app.baseUrl}/cases`);
}, 120_000);

afterAll(async () => {
  if (app?.child.exitCode === null) app.child.kill('SIGKILL');
  await tdb?.destroy();
});

/** A request of ours and whether it is still unanswered. */
function tracked(p: Promise<Response>) {
  const t = { answered: false, response: p.then(async (r) => ({ status: r.status, html: await r.text() })) };
  t.response.finally(() => (t.answered = true)).catch(() => undefined);
  return t;
}

async function page(path: string) {
  const started = performance.now();
  const res = await coordinator.request(app.baseUrl + path);
  const html = await res.text();
  return { status: res.status, ms: performance.now() - started, html };
}

let saves = 0;
/** A new family, as the coordinator's form saves it. */
function save() {
  const name = `Beside${++saves}`;
  return {
    name,
    response: coordinator.form(`${app.baseUrl}/families`, {
      _csrf: token, last_name: name, 'date_of_birth-day': '2', 'date_of_birth-month': '3', 'date_of_birth-year': '2017', confirm_duplicates: 'yes',
    }),
  };
}

const importedFamilies = async () =>
  Number((await tdb.db('families').where('family_ref', 'like', `${file.refPrefix}%`).count({ n: '*' }).first())!.n);

/** Whether the import's write transaction is open now: it holds SQLite's write lock, or a PostgreSQL transaction that has written. */
async function importWriting(): Promise<boolean> {
  if (tdb.options.sqliteFile) {
    const probe = new Database(tdb.options.sqliteFile);
    probe.pragma('busy_timeout = 0');
    try {
      probe.exec('begin immediate');
      probe.exec('rollback');
      return false;
    } catch (e) {
      if ((e as { code?: string }).code !== 'SQLITE_BUSY') throw e;
      return true;
    } finally {
      probe.close();
    }
  }
  const row = await tdb.db('pg_stat_activity').whereRaw('datname = current_database()').whereNotNull('backend_xid')
    .whereRaw("xact_start < now() - interval '300 milliseconds'").count({ n: '*' }).first();
  return Number(row!.n) > 0;
}

describe('a large import beside other users', () => {
  it('serves pages and saves while the file is checked and while it is written, and imports it in full', async () => {
    expect(await importedFamilies()).toBe(0);

    // 1. The upload: the whole file is read and checked against the database (a dry run).
    const form = new FormData();
    form.append('_csrf', await lead.csrf(`${app.baseUrl}/imports/interchange`));
    form.append('file', new Blob([new Uint8Array(file.csv)], { type: 'text/csv' }), 'large.csv');
    const upload = tracked(lead.request(`${app.baseUrl}/imports/interchange`, { method: 'POST', body: form }));
    const checkingSave = save();
    const savedWhileChecking = checkingSave.response.then((r) => ({ status: r.status, checking: !upload.answered }));
    const pagesWhileChecking: number[] = [];
    for (let i = 0; !upload.answered; i++) {
      const p = await page(i % 2 ? '/cases' : familyPage);
      expect(p.status).toBe(200);
      if (!upload.answered) pagesWhileChecking.push(p.ms);
    }
    const preview = await upload.response;
    expect(preview.status, preview.html.slice(0, 1000)).toBe(200);
    expect(await savedWhileChecking).toEqual({ status: 302, checking: true });
    expect(pagesWhileChecking.length, 'pages answered while the file was being checked').toBeGreaterThanOrEqual(3);
    expect(Math.max(...pagesWhileChecking)).toBeLessThan(PROMPT_MS);
    expect(await importedFamilies()).toBe(0);

    // 2. The import: checked again, then written in one transaction. The coordinator's next
    // page moves the session's expiry (a write): the page must not wait for the import for it.
    const sid = decodeURIComponent(coordinator.cookie.slice('fgc.sid='.length)).replace(/^s:/, '').replace(/\.[^.]*$/, '');
    const session = await tdb.db('sessions').where({ sid }).first();
    expect(session).toBeTruthy();
    await tdb.db('sessions').where({ sid }).update({ expired: new Date(new Date(session.expired).getTime() - 5 * 60_000).toISOString() });
    const action = /action="(\/imports\/interchange\/\d+\/apply)"/.exec(preview.html)![1];
    const applyToken = /name="_csrf" value="([^"]+)"/.exec(preview.html)![1];
    const apply = tracked(lead.form(`${app.baseUrl}${action}`, { _csrf: applyToken }));
    for (let seen = 0; seen < 3; await new Promise((r) => setTimeout(r, 20))) {
      expect(apply.answered, 'the import ended before it was seen writing').toBe(false);
      seen = (await importWriting()) ? seen + 1 : 0;
    }
    // A page, answered promptly, from start to end within the import's write.
    const during = await page(familyPage);
    expect(during.status).toBe(200);
    expect(during.html).toContain('BESIDE-1');
    expect(during.ms).toBeLessThan(PROMPT_MS);
    expect(await importWriting(), 'the import was still writing when the page answered').toBe(true);
    expect(apply.answered).toBe(false);
    expect(await importedFamilies()).toBe(0);

    // A save made while the import writes goes through.
    const writingSave = save();
    const saved = tracked(writingSave.response);
    if (tdb.options.sqliteFile) {
      // SQLite writes one transaction at a time: the save waits for the import's commit, and the
      // server goes on answering pages meanwhile.
      const pagesWhileWaiting: number[] = [];
      while (!saved.answered && !apply.answered) {
        const p = await page(pagesWhileWaiting.length % 2 ? '/cases' : familyPage);
        expect(p.status).toBe(200);
        if (!saved.answered && (await importWriting())) pagesWhileWaiting.push(p.ms);
      }
      expect(pagesWhileWaiting.length, 'pages answered while the save waited for the import').toBeGreaterThanOrEqual(2);
      expect(Math.max(...pagesWhileWaiting)).toBeLessThan(PROMPT_MS);
      expect((await saved.response).status).toBe(302);
    } else {
      // PostgreSQL: the save is acknowledged while the import is still being written.
      expect((await saved.response).status).toBe(302);
      expect(await importWriting(), 'the import was still writing when the save was acknowledged').toBe(true);
      expect(apply.answered).toBe(false);
      expect(await importedFamilies()).toBe(0);
    }

    // 3. The import completes, in full, and both saves are there.
    const done = await apply.response;
    expect(done.status, done.html.slice(0, 1000)).toBe(200);
    expect(done.html).toContain('Import complete');
    expect(await importedFamilies()).toBe(file.families);
    const imported = async (table: string, column: string) =>
      Number((await tdb.db(table).where(column, 'like', `${file.refPrefix}%`).count({ n: '*' }).first())!.n);
    expect(await imported('children', 'child_ref')).toBe(file.children);
    expect(await imported('referrals', 'referral_ref')).toBe(file.referrals);
    const names = (await tdb.db('children').whereIn('last_name', [checkingSave.name, writingSave.name]).select('last_name')).map((r) => r.last_name);
    expect(names.sort()).toEqual([checkingSave.name, writingSave.name].sort());
  }, 90_000);
});
