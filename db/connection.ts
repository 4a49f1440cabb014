import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import knexFactory, { type Knex } from 'knex';
import { migrationSource } from './migrations/index.js';
import { cacheStatements } from './statement-cache.js';
import { prepareMarkedQueries } from './prepared-statements.js';
import { installWriteGate, writeGateOf } from './write-gate.js';
import { checkpointAside } from './checkpoint.js';
import { pacer } from '../server/common/next-turn.js';

export type Db = Knex;

export interface DbOptions {
  /** postgres://… ; when absent the embedded SQLite file is used. */
  databaseUrl?: string;
  sqliteFile?: string;
  poolMax?: number;
  /** PostgreSQL: run queries marked prepared() as prepared statements (default true; see prepared-statements.ts) */
  preparedStatements?: boolean;
  /** SQLite: how long a statement waits for another connection's write lock (default 5 s) */
  busyTimeoutMs?: number;
}

export function isPostgres(db: Knex): boolean {
  return db.client.config.client === 'pg';
}

export function createDb(opts: DbOptions): Knex {
  if (opts.databaseUrl) {
    return knexFactory({
      client: 'pg',
      connection: opts.databaseUrl,
      pool: {
        min: 0,
        max: opts.poolMax ?? 10,
        afterCreate: (conn: any, done: (err: Error | null, conn: any) => void) => {
          if (opts.preparedStatements !== false) prepareMarkedQueries(conn);
          done(null, conn);
        },
      },
    });
  }
  const file = opts.sqliteFile ?? 'data/fgc.sqlite';
  if (file !== ':memory:') fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  const db = sqliteKnex(file, opts.busyTimeoutMs ?? 5000);
  // A long write (an import) runs on a connection of its own: see longWriteTransaction.
  if (file !== ':memory:' && file !== '') installWriteGate(db);
  return db;
}

/** knex's better-sqlite3 client, to be extended (knex exports no types for it). */
const BetterSqlite3Client = createRequire(import.meta.url)('knex/lib/dialects/better-sqlite3/index.js') as new (config: Knex.Config) => {
  _query(connection: unknown, obj: unknown): Promise<unknown>;
};

/**
 * Paces a long write (one runs at a time): its queries, and anything else it runs on the
 * connection itself (bulk inserts), let other requests in every few milliseconds.
 */
export const longWritePace = pacer();

/**
 * better-sqlite3 runs each statement synchronously, and knex hands its result back without
 * a turn of the event loop: a long write would hold up every other request until it ended.
 * This client lets other requests in every few milliseconds between statements (its
 * transactions' clients, savepoints' included, inherit it).
 */
class PacedSqliteClient extends BetterSqlite3Client {
  override async _query(connection: unknown, obj: unknown) {
    if (longWritePace.due()) await longWritePace.pause();
    return super._query(connection, obj);
  }
}

function sqliteKnex(file: string, busyTimeoutMs: number, paced = false): Knex {
  return knexFactory({
    client: paced ? (PacedSqliteClient as unknown as typeof knexFactory.Client) : 'better-sqlite3',
    connection: { filename: file },
    useNullAsDefault: true,
    pool: {
      min: 1,
      max: 1,
      // Foreign keys are off by default in SQLite; WAL lets readers run beside the writer.
      afterCreate: (conn: any, done: (err: Error | null, conn: any) => void) => {
        conn.pragma('foreign_keys = ON');
        conn.pragma('journal_mode = WAL');
        conn.pragma('synchronous = NORMAL');
        conn.pragma(`busy_timeout = ${busyTimeoutMs}`);
        cacheStatements(conn);
        done(null, conn);
      },
    },
  });
}

const sqliteFileOf = (db: Knex): string | null => {
  const file = (db.client.config.connection as { filename?: string } | undefined)?.filename;
  return file && file !== ':memory:' ? file : null;
};

/** SQLite refused the write lock: another process is writing. */
class WriteLockBusy extends Error {}
const LOCK_WAIT_MS = 30_000;

/**
 * One transaction for a write that takes seconds (a large import), without holding up other
 * users. PostgreSQL: an ordinary transaction, on a pooled connection of its own. SQLite: a
 * transaction on a second connection, so that the app's connection goes on serving reads
 * (WAL lets them run beside a writer), while the app's own writes wait for it at the write
 * gate (db/write-gate.ts), asynchronously. It takes SQLite's write lock before anything
 * else, so what it reads is what it writes over, and waits for another process's write
 * lock without freezing this one.
 */
export async function longWriteTransaction<T>(db: Knex, work: (trx: Knex.Transaction) => Promise<T>): Promise<T> {
  const gate = writeGateOf(db);
  const file = sqliteFileOf(db);
  if (!gate || !file || (db as { isTransaction?: boolean }).isTransaction) return db.transaction(work);
  return gate.alone(async () => {
    // busy_timeout 0: better-sqlite3 would wait for the lock synchronously, freezing the process.
    const own = sqliteKnex(file, 0, true);
    let result: T;
    try {
      // The commit leaves the log to be copied into the database by checkpointAside, below.
      await own.raw('pragma wal_autocheckpoint = 0');
      const started = Date.now();
      for (let wait = 5; ; wait = Math.min(wait * 2, 100)) {
        try {
          result = await own.transaction(async (trx) => {
            try {
              // The first statement of the transaction writes (nothing), so it takes the write lock with its snapshot, like BEGIN IMMEDIATE.
              await trx.raw('delete from audit_log where 0');
            } catch (e) {
              if ((e as { code?: string }).code === 'SQLITE_BUSY' && Date.now() - started < LOCK_WAIT_MS) throw new WriteLockBusy();
              throw e;
            }
            return work(trx);
          });
          break;
        } catch (e) {
          if (!(e instanceof WriteLockBusy)) throw e;
          await new Promise((resolve) => setTimeout(resolve, wait));
        }
      }
    } finally {
      await own.destroy();
    }
    // Before the app's writes go on: the first of them would otherwise make the checkpoint itself.
    await checkpointAside(file).catch(() => undefined); // if it cannot, SQLite checkpoints as it always does
    return result;
  });
}

const MIGRATION_LOCK_KEY = 4242_0001;
/** How long a process waits for another one's migrations on SQLite before giving up. */
const MIGRATION_WAIT_MS = 60_000;

/**
 * Brings the schema up to date. On PostgreSQL an advisory lock makes concurrent
 * start-ups safe: one process migrates, the others wait and then find nothing to do.
 */
export async function migrateLatest(db: Knex): Promise<void> {
  if (!isPostgres(db)) {
    // SQLite has no advisory locks: a process that loses the race (table exists, or
    // knex's own migration lock is held) waits and tries again, then finds nothing to do.
    // It waits as long as the winner may take on a busy machine, not a number of tries.
    const giveUpAt = Date.now() + MIGRATION_WAIT_MS;
    for (;;) {
      try {
        await db.migrate.latest({ migrationSource });
        return;
      } catch (err) {
        if (Date.now() > giveUpAt) throw err;
        await new Promise((r) => setTimeout(r, 100 + Math.random() * 200));
      }
    }
  }
  const conn = await db.client.acquireConnection();
  try {
    await conn.query('select pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    await db.migrate.latest({ migrationSource });
  } finally {
    await conn.query('select pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]).catch(() => undefined);
    await db.client.releaseConnection(conn);
  }
}

export async function migrateDownAll(db: Knex): Promise<void> {
  await db.migrate.rollback({ migrationSource }, true);
}
