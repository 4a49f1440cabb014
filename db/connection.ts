import fs from 'node:fs';
import path from 'node:path';
import knexFactory, { type Knex } from 'knex';
import { migrationSource } from './migrations/index.js';

export type Db = Knex;

export interface DbOptions {
  /** postgres://… ; when absent the embedded SQLite file is used. */
  databaseUrl?: string;
  sqliteFile?: string;
  poolMax?: number;
  /** SQLite: how long a statement waits for another process's write lock (default 5 s) */
  busyTimeoutMs?: number;
}

export function isPostgres(db: Knex): boolean {
  return db.client.config.client === 'pg';
}

export function createDb(opts: DbOptions): Knex {
  if (opts.databaseUrl) {
    return knexFactory({ client: 'pg', connection: opts.databaseUrl, pool: { min: 0, max: opts.poolMax ?? 10 } });
  }
  const file = opts.sqliteFile ?? 'data/fgc.sqlite';
  if (file !== ':memory:') fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  return sqliteKnex(file, opts.busyTimeoutMs ?? 5000);
}

/** A better-sqlite3 connection as knex's pool hands it to afterCreate. */
interface SqliteConnection {
  pragma(source: string): unknown;
}

/** knex on a SQLite file: one connection (SQLite has one writer), in WAL mode so readers on other connections run beside it. */
export function sqliteKnex(file: string, busyTimeoutMs: number): Knex {
  return knexFactory({
    client: 'better-sqlite3',
    connection: { filename: file },
    useNullAsDefault: true,
    pool: {
      min: 1,
      max: 1,
      afterCreate: (conn: SqliteConnection, done: (err: Error | null, conn: SqliteConnection) => void) => {
        conn.pragma('foreign_keys = ON'); // off by default in SQLite
        conn.pragma('journal_mode = WAL');
        conn.pragma('synchronous = NORMAL');
        conn.pragma(`busy_timeout = ${busyTimeoutMs}`);
        done(null, conn);
      },
    },
  });
}

/** The SQLite file a knex instance is on, or null (PostgreSQL, or an in-memory database). */
export const sqliteFileOf = (db: Knex): string | null => {
  if (isPostgres(db)) return null;
  const file = (db.client.config.connection as { filename?: string } | undefined)?.filename;
  return file && file !== ':memory:' ? file : null;
};

const MIGRATION_LOCK_KEY = 4242_0001;
/** How long a process waits for another one's migrations on SQLite before giving up. */
const MIGRATION_WAIT_MS = 60_000;

/**
 * Brings the schema up to date. On PostgreSQL an advisory lock, held by a transaction of its
 * own while the migrations run, makes concurrent start-ups safe: one process migrates, the
 * others wait and then find nothing to do.
 */
export async function migrateLatest(db: Knex): Promise<void> {
  if (isPostgres(db)) {
    await db.transaction(async (trx) => {
      await trx.raw('select pg_advisory_xact_lock(?)', [MIGRATION_LOCK_KEY]);
      await db.migrate.latest({ migrationSource });
    });
    return;
  }
  // SQLite has no advisory locks: a process that loses the race (table exists, or knex's own
  // migration lock is held) waits and tries again, then finds nothing to do. It waits as long
  // as the winner may take on a busy machine, not a number of tries.
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

export async function migrateDownAll(db: Knex): Promise<void> {
  await db.migrate.rollback({ migrationSource }, true);
}
