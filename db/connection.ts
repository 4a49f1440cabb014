import fs from 'node:fs';
import path from 'node:path';
import knexFactory, { type Knex } from 'knex';
import { migrationSource } from './migrations/index.js';
import { cacheStatements } from './statement-cache.js';

export type Db = Knex;

export interface DbOptions {
  /** postgres://… ; when absent the embedded SQLite file is used. */
  databaseUrl?: string;
  sqliteFile?: string;
  poolMax?: number;
}

export function isPostgres(db: Knex): boolean {
  return db.client.config.client === 'pg';
}

export function createDb(opts: DbOptions): Knex {
  if (opts.databaseUrl) {
    return knexFactory({
      client: 'pg',
      connection: opts.databaseUrl,
      pool: { min: 0, max: opts.poolMax ?? 10 },
    });
  }
  const file = opts.sqliteFile ?? 'data/fgc.sqlite';
  if (file !== ':memory:') fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  return knexFactory({
    client: 'better-sqlite3',
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
        conn.pragma('busy_timeout = 5000');
        cacheStatements(conn);
        done(null, conn);
      },
    },
  });
}

const MIGRATION_LOCK_KEY = 4242_0001;

/**
 * Brings the schema up to date. On PostgreSQL an advisory lock makes concurrent
 * start-ups safe: one process migrates, the others wait and then find nothing to do.
 */
export async function migrateLatest(db: Knex): Promise<void> {
  if (!isPostgres(db)) {
    // SQLite has no advisory locks: a process that loses the race (table exists, or
    // knex's own migration lock is held) waits and tries again, then finds nothing to do.
    for (let attempt = 1; ; attempt++) {
      try {
        await db.migrate.latest({ migrationSource });
        return;
      } catch (err) {
        if (attempt >= 20) throw err;
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
