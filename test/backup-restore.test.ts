import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import type { Knex } from 'knex';
import { createDb } from '../db/connection.js';
import { createTestDb, type TestDb } from './support/db.js';
import { startAppProcess, Browserless, envFor, type AppProcess } from './support/processes.js';
import { PASSWORD, dateFields } from './support/app.js';
import { createUser } from '../server/auth/users.js';
import { loadDemoData } from '../server/demo/load.js';
import { buildReturn } from '../server/annual-return/return-service.js';
import { availableYears } from '../server/cases/years.js';
import type { AnnualReturn } from '../server/annual-return/counting.js';

// npm run backup while the real app runs and saves, then npm run restore into a fresh file:
// the restored database gives the same annual return, every year, as the original. The
// online backup is a SQLite feature, so this runs on a SQLite file whatever DATABASE_URL
// says (PostgreSQL is backed up with pg_dump; see the README).

let original: TestDb;
let app: AppProcess;
let scratch: string;

beforeAll(async () => {
  original = await createTestDb({ sqlite: true });
  // Big enough (about 15 MB) that copying it takes many steps of the backup API.
  await loadDemoData(original.db, { referrals: 15_000, seed: 'backup' });
  await createUser(original.db, { email: 'coord@council.example', name: 'Coord', role: 'coordinator', password: PASSWORD });
  scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'fgc-backup-'));
  app = await startAppProcess(original);
}, 120_000);

afterAll(async () => {
  if (app && app.child.exitCode === null) {
    app.child.kill('SIGTERM');
    await app.exited;
  }
  await original?.destroy();
  if (scratch) fs.rmSync(scratch, { recursive: true, force: true });
});

/** Runs an npm script with the environment pointed at a SQLite file (no DATABASE_URL). */
function npmRun(script: string, args: string[], sqliteFile: string, timeoutMs = 60_000): Promise<{ code: number; stdout: string; stderr: string; lines: { at: number; text: string }[] }> {
  return new Promise((resolve) => {
    const env = envFor({ options: { sqliteFile } } as TestDb);
    const child = spawn('npm', ['run', '--silent', script, '--', ...args], { env, stdio: ['ignore', 'pipe', 'pipe'], timeout: timeoutMs, killSignal: 'SIGKILL' });
    let stdout = '';
    let stderr = '';
    const lines: { at: number; text: string }[] = [];
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => {
      stderr += d;
      for (const text of String(d).split('\n').filter(Boolean)) lines.push({ at: Date.now(), text });
    });
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr, lines }));
  });
}

async function returns(db: Knex): Promise<Map<number, AnnualReturn>> {
  const out = new Map<number, AnnualReturn>();
  for (const year of await availableYears(db)) out.set(year, (await buildReturn(db, year)).ret);
  return out;
}

describe('backup while the app saves, then restore', () => {
  it('restores a database with the same annual return as the original', async () => {
    const before = await returns(original.db);
    expect(before.size).toBeGreaterThanOrEqual(5);
    expect([...before.values()].reduce((n, r) => n + r.populations.referred.fgcs, 0)).toBeGreaterThan(1000);

    // Four coordinators keep adding families (each a transaction with its audit rows) until the backup is done.
    const acked: { name: string; at: number }[] = [];
    let stop = false;
    const writer = async (w: number) => {
      const client = new Browserless();
      expect(await client.signIn(app.baseUrl, 'coord@council.example', PASSWORD)).toBe(302);
      const token = await client.csrf(`${app.baseUrl}/families/new`);
      for (let i = 0; !stop; i++) {
        const name = `Backup${w}x${i}`;
        const res = await client.form(`${app.baseUrl}/families`, { _csrf: token, last_name: name, ...dateFields('date_of_birth', '2018-02-02'), confirm_duplicates: 'yes' });
        expect(res.status, name).toBe(302);
        acked.push({ name, at: Date.now() });
      }
    };
    // Four more open pages: every signed-in request is a small write too (its session's expiry moves on).
    let views = 0;
    const reader = async () => {
      const client = new Browserless();
      expect(await client.signIn(app.baseUrl, 'coord@council.example', PASSWORD)).toBe(302);
      while (!stop) {
        expect((await client.request(`${app.baseUrl}/families/new`)).status).toBe(200);
        views++;
      }
    };
    const writers = Promise.all([...[0, 1, 2, 3].map(writer), ...[0, 1, 2, 3].map(reader)]);
    while (acked.length < 20) await new Promise((r) => setTimeout(r, 20));

    const backupFile = path.join(scratch, 'copy.sqlite');
    const startedAt = Date.now();
    // It must finish while the saves go on (a backup that starts again after every write never would).
    const backup = await npmRun('backup', [backupFile], original.options.sqliteFile!, 60_000);
    const finishedAt = Date.now();
    stop = true;
    await writers;
    expect(backup.code, backup.stderr).toBe(0);
    expect(backup.stdout).toContain(`Backed up to ${backupFile}`);
    expect(fs.existsSync(`${backupFile}-wal`), 'a self-contained file').toBe(false);
    // The app went on saving while the pages were being copied, and the copy never had to
    // start again because of those writes (its progress only goes up).
    const steps = backup.lines.filter((l) => /^backup \d+%/.test(l.text));
    const percents = steps.map((l) => Number(/^backup (\d+)%/.exec(l.text)![1]));
    expect(percents.length).toBeGreaterThan(0);
    expect(percents, 'the copy started over').toEqual([...percents].sort((a, b) => a - b));
    const savedDuringBackup = acked.filter((a) => a.at >= steps[0].at && a.at <= finishedAt).length;
    if (process.env.BACKUP_TIMING) console.log({ steps: percents, copyMs: finishedAt - steps[0].at, totalMs: finishedAt - startedAt, savedDuringBackup, saves: acked.length, views });
    expect(savedDuringBackup).toBeGreaterThan(0);

    const restoredFile = path.join(scratch, 'restored.sqlite');
    const restore = await npmRun('restore', [backupFile], restoredFile);
    expect(restore.code, restore.stderr).toBe(0);
    expect(restore.stdout).toContain(`Restored ${restoredFile} from ${backupFile}`);

    const check = new Database(restoredFile, { readonly: true });
    expect(check.pragma('integrity_check', { simple: true })).toBe('ok');
    expect(check.pragma('foreign_key_check')).toEqual([]);
    check.close();

    const restored = createDb({ sqliteFile: restoredFile });
    try {
      // The writes do not touch the return (families with no referral): the original still
      // gives the figures it gave before, so the restored copy must give exactly those too.
      const after = await returns(original.db);
      expect(after).toEqual(before);
      expect(await returns(restored)).toEqual(before);

      // The copy is one moment of the original: every family saved before the backup began is
      // in it, each with its child and its audit rows, and nothing that was never saved.
      const names = new Set((await restored('children').where('last_name', 'like', 'Backup%').select('last_name')).map((r) => r.last_name));
      for (const a of acked.filter((x) => x.at < startedAt)) expect(names.has(a.name), a.name).toBe(true);
      const ackedNames = new Set(acked.map((a) => a.name));
      for (const n of names) expect(ackedNames.has(n), n).toBe(true);
      const unaudited = await restored('children as c')
        .leftJoin('audit_log as a', function () { this.on('a.child_id', '=', 'c.id').andOnVal('a.action', '=', 'create'); })
        .where('c.last_name', 'like', 'Backup%').whereNull('a.id').count({ n: '*' }).first();
      expect(Number(unaudited!.n)).toBe(0);
      const counts = async (db: Knex) => Promise.all(['families', 'children', 'referrals', 'referral_children', 'users'].map(async (t) => Number((await db(t).count({ n: '*' }).first())!.n)));
      const [families, children, ...rest] = await counts(restored);
      const [famOrig, childOrig, ...restOrig] = await counts(original.db);
      expect(rest).toEqual(restOrig);
      expect(famOrig - families).toBe(childOrig - children); // the families saved after the copy, one child each
    } finally {
      await restored.destroy();
    }
  }, 180_000);

  it('refuses to restore a file that is not a backup, leaving the target alone', async () => {
    const bogus = path.join(scratch, 'bogus.sqlite');
    fs.writeFileSync(bogus, 'not a database');
    const target = path.join(scratch, 'untouched.sqlite');
    const res = await npmRun('restore', [bogus], target);
    expect(res.code).toBe(1);
    expect(res.stderr).toContain(`${bogus} is not a usable backup`);
    expect(res.stderr).not.toMatch(/\n\s+at /); // a message, not a stack trace
    expect(fs.existsSync(target)).toBe(false);
  }, 60_000);
});
