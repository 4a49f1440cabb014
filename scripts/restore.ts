// npm run restore -- FILE   Puts a backup back in place of the SQLite database.
// Stop the app first: restoring under a running server would pull its data from under it.
import fs from 'node:fs';
import Database from 'better-sqlite3';
import { loadConfig } from '../server/config.js';
import { runMain } from './cli.js';

/** Why the file cannot be restored, or null when it is an intact FGC database. */
function unusable(source: string): string | null {
  let check: Database.Database | undefined;
  try {
    check = new Database(source, { readonly: true, fileMustExist: true });
    if (check.pragma('integrity_check', { simple: true }) !== 'ok') return 'integrity check failed';
    const hasSchema = check.prepare("select count(*) as n from sqlite_master where name = 'knex_migrations'").get() as { n: number };
    return hasSchema.n ? null : 'no FGC schema';
  } catch (e) {
    return (e as Error).message;
  } finally {
    check?.close();
  }
}

async function main(): Promise<number> {
  const source = process.argv[2];
  const config = loadConfig();
  if (config.databaseUrl) {
    console.error('This database is PostgreSQL: restore it with pg_restore or psql (see the README).');
    return 2;
  }
  if (!source || !fs.existsSync(source)) {
    console.error('Usage: npm run restore -- BACKUP_FILE');
    return 2;
  }
  const problem = unusable(source);
  if (problem) {
    console.error(`${source} is not a usable backup (${problem}); nothing was restored`);
    return 1;
  }
  // Copy with the backup API too, so the result is a clean single file (no stale -wal/-shm).
  for (const suffix of ['-wal', '-shm']) fs.rmSync(config.databaseFile + suffix, { force: true });
  const src = new Database(source, { readonly: true });
  try {
    await src.backup(config.databaseFile);
  } finally {
    src.close();
  }
  console.log(`Restored ${config.databaseFile} from ${source}`);
  return 0;
}

runMain(main);
