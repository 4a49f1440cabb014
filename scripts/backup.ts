// npm run backup -- [FILE]   A consistent copy of the SQLite database, taken with SQLite's
// online backup API, so it is safe while the app is running and writing.
// On PostgreSQL use pg_dump instead (see the README).
import path from 'node:path';
import fs from 'node:fs';
import Database from 'better-sqlite3';
import { loadConfig } from '../server/config.js';
import { runMain } from './cli.js';

async function main(): Promise<number> {
  const config = loadConfig();
  if (config.databaseUrl) {
    console.error('This database is PostgreSQL: back it up with pg_dump (see the README).');
    return 2;
  }
  if (!fs.existsSync(config.databaseFile)) {
    console.error(`There is no database at ${config.databaseFile} to back up (set DATABASE_FILE).`);
    return 2;
  }
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const target = process.argv[2] ?? path.join(path.dirname(config.databaseFile), 'backups', `fgc-${stamp}.sqlite`);
  fs.mkdirSync(path.dirname(path.resolve(target)), { recursive: true });
  const db = new Database(config.databaseFile, { fileMustExist: true });
  try {
    db.pragma('busy_timeout = 5000');
    await db.backup(target, {
      // Every page in one step. The app runs in WAL mode, so the step reads one snapshot while
      // the app goes on writing. Copying in small steps instead lets the app's writes land
      // between them, and each one makes SQLite start the copy again: on a busy app with a
      // large database the backup never finished.
      progress({ totalPages, remainingPages }) {
        process.stderr.write(`backup ${Math.floor(((totalPages - remainingPages) / Math.max(totalPages, 1)) * 100)}% of ${totalPages} pages\n`);
        return 0x7fffffff;
      },
    });
    const check = new Database(target);
    const integrity = check.pragma('integrity_check', { simple: true });
    // A self-contained file to copy elsewhere (no -wal or -shm beside it); the app turns WAL back on when it opens it.
    check.pragma('journal_mode = DELETE');
    check.close();
    if (integrity !== 'ok') throw new Error(`the copy failed its integrity check: ${integrity}`);
    console.log(`Backed up to ${target}`);
    return 0;
  } finally {
    db.close();
  }
}

runMain(main);
