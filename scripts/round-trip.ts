// npm run round-trip [-- --keep FILE.sqlite]
// Checks that everything this installation holds survives the interchange file: exports every
// case, imports the file into an empty scratch SQLite database, exports that again, and
// compares the two files byte for byte and every year's annual return (each figure and the
// references behind it, and the Data quality sheet). Prints what it compared; exit code 1 on
// any difference. Writes nothing to this installation's database.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { isDeepStrictEqual, parseArgs } from 'node:util';
import { runMain, withDatabase } from './cli.js';
import { createDb, migrateLatest } from '../db/connection.js';
import { exportCsv, importInterchange } from '../server/interchange/index.js';
import { availableYears } from '../server/cases/years.js';
import { returnByRefs } from '../server/annual-return/return-by-refs.js';

async function main(): Promise<number> {
  const { values } = parseArgs({ options: { keep: { type: 'string' } } });
  return withDatabase(async (db) => {
    const started = Date.now();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fgc-round-trip-'));
    const file = values.keep ?? path.join(dir, 'scratch.sqlite');
    const scratch = createDb({ sqliteFile: file });
    try {
      await migrateLatest(scratch);
      const csv = await exportCsv(db);
      const imported = await importInterchange(scratch, csv, { filename: 'export.csv', userId: null });
      if (imported.problems.length) {
        console.error(`The export was refused by the import (${imported.problems.length} problems), first: row ${imported.problems[0].row} ${imported.problems[0].column}: ${imported.problems[0].message}`);
        return 1;
      }
      const again = await exportCsv(scratch);
      const s = imported.summary;
      console.log(`Exported ${s.rows} rows: ${s.families.create} families, ${s.children.create} children, ${s.referrals.create} referrals; imported into an empty database with ${imported.findings.length} data-quality findings and ${imported.warnings.length} warnings`);
      let failed = false;
      if (again === csv) console.log(`Export of the import: identical (${Buffer.byteLength(csv)} bytes)`);
      else {
        const a = csv.split('\r\n');
        const b = again.split('\r\n');
        const line = a.findIndex((l, i) => l !== b[i]);
        console.error(`Export of the import differs, first at line ${line + 1}`);
        failed = true;
      }
      const years = (await availableYears(db)).sort();
      for (const year of years) {
        const same = isDeepStrictEqual(await returnByRefs(scratch, year), await returnByRefs(db, year));
        if (!same) failed = true;
        console.log(`Annual return ${year}-${String((year + 1) % 100).padStart(2, '0')}: ${same ? 'identical' : 'DIFFERENT'}`);
      }
      console.log(`${failed ? 'Round trip FAILED' : 'Round trip: identical'} (${years.length} years compared, ${((Date.now() - started) / 1000).toFixed(1)} s)`);
      return failed ? 1 : 0;
    } finally {
      await scratch.destroy();
      if (!values.keep) fs.rmSync(dir, { recursive: true, force: true });
    }
  });
}

runMain(main);
