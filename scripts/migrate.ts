// npm run migrate [-- --down]  applies (or rolls back) every migration.
import { loadConfig } from '../server/config.js';
import { createDb, migrateDownAll, migrateLatest } from '../db/connection.js';

const config = loadConfig();
const db = createDb({ databaseUrl: config.databaseUrl, sqliteFile: config.databaseFile });
try {
  if (process.argv.includes('--down')) await migrateDownAll(db);
  else await migrateLatest(db);
  console.log('Migrations done');
} finally {
  await db.destroy();
}
