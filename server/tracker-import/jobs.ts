import type { Knex } from 'knex';
import type { Logger } from '../logger.js';
import { importTracker, type TrackerProgress } from './index.js';
import { claimImport, importContent, updateImport, type TrackerImportRow } from './store.js';
import type { TrackerSheet } from './read.js';
import { importReview } from '../interchange/review.js';
import { runnerGone } from './runner.js';
import { writesAllowed } from '../../db/long-write.js';

// Checking (dry run) or importing an uploaded tracker as a job that outlives the request:
// the request starts it and waits a moment (a small file is done by then); a large one
// carries on, letting other requests in every few milliseconds so other users are served,
// and records its progress (rows read, rows checked) on its tracker_imports row, which the
// progress page shows, refreshing itself.
//
// Progress is not written while the import writes: on SQLite the app's own writes wait for
// the import's transaction (db/write-gate.ts), so one made from inside it would wait for
// itself (it is refused). Other users' pages are served meanwhile.

/** Problems kept for the page; the command line lists them all. */
export const PROBLEMS_KEPT = 1000;
/** How long the request waits for the job before showing the progress page. */
export const WAIT_MS = 1500;
/** A job whose row has not moved for this long, run by a process that cannot be asked (another host), has stopped. */
export const STALLED_MS = 10 * 60 * 1000;
const PROGRESS_EVERY_MS = 500;

const running = new Map<number, Promise<void>>();

/** The job of an upload, if one is running in this process (tests wait on it). */
export const jobOf = (id: number) => running.get(id);

export interface JobOptions {
  db: Knex;
  logger?: Logger;
  upload: TrackerImportRow;
  dryRun: boolean;
  /** the sheet already read for the mapping pages, to save reading it again */
  sheet?: TrackerSheet;
}

/**
 * Whether an upload's check or import is said to be under way but its process has gone (a
 * restart or a crash): not running here, and its runner gone or its progress still too long.
 */
export function jobDied(u: TrackerImportRow): boolean {
  if (u.status !== 'checking' && u.status !== 'applying') return false;
  if (running.has(u.id)) return false;
  return runnerGone(u.runner) || Date.now() - Date.parse(u.updated_at) > STALLED_MS;
}

/** Records a job that died as failed, saying what became of it; the upload can be checked again. */
export async function recordDeath(db: Knex, u: TrackerImportRow): Promise<TrackerImportRow> {
  const error = u.status === 'applying'
    ? 'The import stopped before it finished, because the service was restarted. Nothing from the file was imported. Check the file again, then import it'
    : 'The check stopped before it finished, because the service was restarted. Check the file again';
  await writesAllowed(db);
  await db('tracker_imports').where({ id: u.id }).whereIn('status', ['checking', 'applying']).update({ status: 'failed', error, updated_at: new Date().toISOString() });
  return { ...u, status: 'failed', error };
}

/** Starts a check or import; false if one is already under way for this upload. */
export async function startJob(o: JobOptions): Promise<boolean> {
  const { db, upload } = o;
  const ok = await claimImport(db, upload.id, ['mapping', 'checked', 'failed'], o.dryRun ? 'checking' : 'applying');
  if (!ok) return false;
  const job = runJob(o).finally(() => running.delete(upload.id));
  running.set(upload.id, job);
  return true;
}

/** Waits for a job, but not longer than `ms`. */
export async function waitForJob(id: number, ms = WAIT_MS): Promise<void> {
  const job = running.get(id);
  if (!job) return;
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([job, new Promise<void>((resolve) => (timer = setTimeout(resolve, ms)))]);
  clearTimeout(timer);
}

async function runJob({ db, logger, upload, dryRun, sheet }: JobOptions): Promise<void> {
  const started = Date.now();
  let last = 0;
  const onProgress = async (p: TrackerProgress) => {
    if (p.phase === 'writing' || (p.phase !== 'done' && Date.now() - last < PROGRESS_EVERY_MS)) return;
    last = Date.now();
    await updateImport(db, upload.id, { rows_read: p.rowsRead, rows_checked: p.rowsChecked, rows_total: p.rowsTotal });
  };
  try {
    const content = await importContent(db, upload.id);
    if (!content || !upload.mapping) throw new Error('The upload has no file or no mapping');
    const header = upload.header_row ? { row: upload.header_row, depth: upload.header_depth ?? 1 } : undefined;
    const outcome = await importTracker(db, content, {
      filename: upload.filename,
      mapping: upload.mapping,
      userId: upload.user_id,
      dryRun,
      header,
      sheet,
      onProgress,
    });
    if (outcome.applied && upload.mapping_id) {
      await db('tracker_mappings').where({ id: upload.mapping_id }).update({ last_used_at: new Date().toISOString() });
    }
    const done = !dryRun && !outcome.problems.length;
    await updateImport(db, upload.id, {
      status: done ? 'applied' : 'checked',
      result: {
        dryRun,
        applied: outcome.applied,
        summary: outcome.summary,
        problems: outcome.problems.slice(0, PROBLEMS_KEPT),
        problemCount: outcome.problems.length,
        stoppedAt: outcome.stoppedAt,
        // bounded: counts by rule and the first rows of each
        review: importReview(outcome.findings, outcome.warnings),
        skipped: outcome.skipped,
        ignored: outcome.ignored,
        header: outcome.header ? { row: outcome.header.row, depth: outcome.header.depth } : null,
        seconds: Math.round((Date.now() - started) / 100) / 10,
      },
      // Once imported the file is not needed again.
      ...(done ? { content: Buffer.alloc(0) } : {}),
    });
  } catch (e) {
    logger?.error({ err: { message: (e as Error).message } }, 'tracker import failed');
    await updateImport(db, upload.id, { status: 'failed', error: 'The file could not be checked. Try again, or upload it again' }).catch(() => undefined);
  }
}
