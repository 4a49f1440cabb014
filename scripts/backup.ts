// npm run backup -- [FILE]   A consistent copy of the SQLite database, taken with SQLite's
// online backup API, so it is safe while the app is running and writing.
// On PostgreSQL use pg_dump instead (see the README).
import path from 'node:path';
import fs from 'node:fs';
import Database from 'better-sqlite3';
import { loadConfig } from '../server/config.js';

const config = loadConfig();
if (config.databaseUrl) {
  console.error('This database is PostgreSQL: back it up with pg_dump (see the README).');
  process.exit(2);
}
const stamp = new Date().toISOString().replace(/[:.]/g, '-');
const target = process.argv[2] ?? path.join(path.dirname(config.databaseFile), 'backups', `fgc-${stamp}.sqlite`);
fs.mkdirSync(path.dirname(path.resolve(target)), { recursive: true });
const db = new Database(config.databaseFile, { fileMustExist: true });
try {
  db.pragma('busy_timeout = 5000');
  let lastPercent = -1;
  await db.backup(target, {
    progress({ totalPages, remainingPages }) {
      const percent = Math.floor(((totalPages - remainingPages) / Math.max(totalPages, 1)) * 100);
      if (percent !== lastPercent && percent % 10 === 0) process.stderr.write(`backup ${percent}%\n`);
      lastPercent = percent;
      return 200; // pages per step: lets the app's writes interleave
    },
  });
  const check = new Database(target, { readonly: true });
  const integrity = check.pragma('integrity_check', { simple: true });
  check.close();
  if (integrity !== 'ok') throw new Error(`the copy failed its integrity check: ${integrity}`);
  console.log(`Backed up to ${target}`);
} finally {
  db.close();
}
