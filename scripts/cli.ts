// What every command-line tool shares: the configured database, migrated, closed afterwards,
// and an exit code (a message, not a stack trace, when something fails).
import type { Knex } from 'knex';
import { loadConfig } from '../server/config.js';
import { createDb, migrateLatest } from '../db/connection.js';

export async function withDatabase<T>(fn: (db: Knex) => Promise<T>): Promise<T> {
  const config = loadConfig();
  const db = createDb({ databaseUrl: config.databaseUrl, sqliteFile: config.databaseFile });
  try {
    await migrateLatest(db);
    return await fn(db);
  } finally {
    await db.destroy();
  }
}

export function runMain(main: () => Promise<number | void>): void {
  main().then(
    (code) => process.exit(code ?? 0),
    (e) => {
      console.error(e instanceof Error ? e.message : e);
      process.exit(1);
    },
  );
}
