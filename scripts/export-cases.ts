// npm run export-cases -- FILE
// Every referral × child as an interchange file: CSV or .xlsx, by FILE's extension.
// Child-level personal data: keep the file secure.
import fs from 'node:fs';
import { runMain, withDatabase } from './cli.js';
import { writeCsv, writeXlsx } from '../server/interchange/index.js';
import { auditEvent } from '../server/audit/audit.js';

async function main(): Promise<number> {
  const file = process.argv.slice(2).find((a) => !a.startsWith('--'));
  if (!file || !/\.(csv|xlsx)$/i.test(file)) {
    console.error('Usage: npm run export-cases -- FILE.csv | FILE.xlsx');
    return 2;
  }
  return withDatabase(async (db) => {
    const kind = /\.xlsx$/i.test(file) ? 'xlsx' : 'csv';
    const out = fs.createWriteStream(file, { mode: 0o600 });
    const finished = new Promise<void>((resolve, reject) => {
      out.on('finish', resolve);
      out.on('error', reject);
    });
    await (kind === 'csv' ? writeCsv(db, out) : writeXlsx(db, out));
    await finished;
    await auditEvent(db, null, 'export', 'interchange', `all cases, child level (${kind}, command line)`);
    console.log(`Exported to ${file}`);
    return 0;
  });
}

runMain(main);
