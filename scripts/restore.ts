// npm run restore -- FILE   Puts a backup back in place of the SQLite database.
// Stop the app first: restoring under a running server would pull its data from under it.
import fs from 'node:fs';
import Database from 'better-sqlite3';
import { loadConfig } from '../server/config.js';

const source = process.argv[2];
const config = loadConfig();
if (config.databaseUrl) {
  console.error('This database is PostgreSQL: restore it with pg_restore or psql (see the README).');
  process.exit(2);
}
if (!source || !fs.existsSync(source)) {
  console.error('Usage: npm run restore -- BACKUP_FILE');
  process.exit(2);
}
const check = new Database(source, { readonly: true, fileMustExist: true });
const integrity = check.pragma('integrity_check', { simple: true });
const hasSchema = check.prepare("select count(*) as n from sqlite_master where name = 'knex_migrations'").get() as { n: number };
check.close();
if (integrity !== 'ok' || !hasSchema.n) {
  console.error(`${source} is not a usable backup (${integrity !== 'ok' ? 'integrity check failed' : 'no FGC schema'})`);
  process.exit(1);
}
// Copy with the backup API too, so the result is a clean single file (no stale -wal/-shm).
for (const suffix of ['-wal', '-shm']) fs.rmSync(config.databaseFile + suffix, { force: true });
const src = new Database(source, { readonly: true });
await src.backup(config.databaseFile);
src.close();
console.log(`Restored ${config.databaseFile} from ${source}`);
