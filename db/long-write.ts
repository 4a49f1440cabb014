import { AsyncLocalStorage } from 'node:async_hooks';
import type { Knex } from 'knex';
import { sqliteFileOf, sqliteKnex } from './connection.js';

// A write that takes seconds (a large import) beside other users, with the libraries' public
// APIs only.
//
// PostgreSQL: an ordinary transaction on a pooled connection; everyone else carries on.
//
// SQLite has one writer at a time, and better-sqlite3 waits for a lock synchronously: a save
// that met the import's lock would freeze the whole process. So, per database:
// - the long write runs on a connection of its own, so the app's connection goes on serving
//   reads beside it (WAL);
// - while it writes, saving pauses: a request that may write (not GET, HEAD or OPTIONS) waits
//   for it, asynchronously, before its handler runs (savesWait, a middleware), and so does any
//   other write made outside a request (writesAllowed); the session store defers its touches;
// - it starts once the saves under way have finished, so none of them meets its lock.
// Pages are served throughout; a save made during an import is answered once the import has
// committed (test/import-beside-others.test.ts).

/** One request that may write: counted while its handler runs, outside any long write. */
interface Save {
  counted: boolean;
  ended: boolean;
}

class SavePause {
  /** saves under way */
  private active = 0;
  private drained: (() => void) | null = null;
  /** the long write under way (waiting for saves to end, or writing); resolves when it ends */
  held: Promise<void> | null = null;

  async enter(save: Save): Promise<void> {
    while (this.held) await this.held;
    if (save.ended) return;
    save.counted = true;
    this.active += 1;
  }

  leave(save: Save): void {
    if (!save.counted) return;
    save.counted = false;
    this.active -= 1;
    if (this.active === 0 && this.drained) {
      const drained = this.drained;
      this.drained = null;
      drained();
    }
  }

  /** Runs `work` with saving paused: later saves wait for it, it waits for those under way. */
  async alone<T>(work: () => Promise<T>): Promise<T> {
    while (this.held) await this.held;
    let end!: () => void;
    this.held = new Promise<void>((resolve) => (end = resolve));
    try {
      if (this.active > 0) await new Promise<void>((resolve) => (this.drained = resolve));
      return await work();
    } finally {
      this.held = null;
      end();
    }
  }
}

const pauses = new WeakMap<Knex, SavePause>();
/** The pause of a SQLite file's app connection; none for PostgreSQL, an in-memory database or a transaction (which holds its lock already). */
const pauseOf = (db: Knex): SavePause | null => {
  if ((db as { isTransaction?: boolean }).isTransaction || !sqliteFileOf(db)) return null;
  let p = pauses.get(db);
  if (!p) pauses.set(db, (p = new SavePause()));
  return p;
};

/** the save (request) the running code belongs to */
const currentSave = new AsyncLocalStorage<Save>();
/** set while the running code is a long write's work */
const insideLongWrite = new AsyncLocalStorage<true>();

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** Middleware: a request that may write waits while a long write is under way, and is counted until it ends. */
export function savesWait(db: Knex) {
  const pause = pauseOf(db);
  return (req: { method: string }, res: { once(event: 'close', f: () => void): unknown }, next: (err?: unknown) => void) => {
    if (!pause || SAFE_METHODS.has(req.method)) return next();
    const save: Save = { counted: false, ended: false };
    res.once('close', () => {
      save.ended = true;
      pause.leave(save);
    });
    pause.enter(save).then(() => currentSave.run(save, () => next()), next);
  };
}

/** Whether a long write is under way on this database (SQLite): writes made now would wait for it. */
export function longWriteUnderWay(db: Knex): boolean {
  return !!pauseOf(db)?.held;
}

/** Resolves once no long write is under way: for a write made outside a request (a background job, a download's audit row). */
export async function writesAllowed(db: Knex): Promise<void> {
  const pause = pauseOf(db);
  // a save under way holds the long write back
  if (!pause || currentSave.getStore()?.counted) return;
  // It would wait for the long write, which waits for it.
  if (insideLongWrite.getStore()) throw new Error('A write on the app connection from inside a long write: use the long write’s transaction');
  while (pause.held) await pause.held;
}

/** SQLite refused the write lock: another process is writing. */
class WriteLockBusy extends Error {}
const LOCK_WAIT_MS = 30_000;

/**
 * One transaction for a write that takes seconds (a large import), without holding up other
 * users (see above). Its work must let other requests in now and then (await nextTurn()): on
 * SQLite each statement runs synchronously.
 */
export async function longWriteTransaction<T>(db: Knex, work: (trx: Knex.Transaction) => Promise<T>): Promise<T> {
  const pause = pauseOf(db);
  const file = sqliteFileOf(db);
  if (!pause || !file) return db.transaction(work);
  // The request that starts the long write is not a save it must wait for.
  const save = currentSave.getStore();
  if (save) pause.leave(save);
  try {
    return await pause.alone(() => insideLongWrite.run(true, () => onOwnConnection(file, work)));
  } finally {
    if (save) await pause.enter(save); // its own writes after the long write count again
  }
}

/** The work in one transaction on a connection of its own, which takes SQLite's write lock first, waiting asynchronously while another process holds it. */
async function onOwnConnection<T>(file: string, work: (trx: Knex.Transaction) => Promise<T>): Promise<T> {
  // busy_timeout 0: better-sqlite3 would wait for the lock synchronously, freezing the process.
  const own = sqliteKnex(file, 0);
  try {
    const started = Date.now();
    for (let wait = 5; ; wait = Math.min(wait * 2, 100)) {
      try {
        return await own.transaction(async (trx) => {
          try {
            // The first statement writes (nothing), so it takes the write lock with its snapshot, like BEGIN IMMEDIATE.
            await trx.raw('delete from audit_log where 0');
          } catch (e) {
            if ((e as { code?: string }).code === 'SQLITE_BUSY' && Date.now() - started < LOCK_WAIT_MS) throw new WriteLockBusy();
            throw e;
          }
          return work(trx);
        });
      } catch (e) {
        if (!(e instanceof WriteLockBusy)) throw e;
        await new Promise((resolve) => setTimeout(resolve, wait));
      }
    }
  } finally {
    await own.destroy();
  }
}
