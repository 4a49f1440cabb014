// npm run import-tracker -- FILE --mapping NAME|mapping.json [--dry-run]
// Imports a tracker spreadsheet (CSV or .xlsx) through a column and value mapping: one
// saved in the service (by its name) or a JSON file (see server/tracker-import/mapping.ts;
// the pages save the same shape). Progress goes to stderr as the file is read and checked.
// Any problem: every one is listed with the tracker's own row and column, nothing is
// written, exit code 1.
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { runMain, withDatabase } from './cli.js';
import { importTracker, type TrackerProgress } from '../server/tracker-import/index.js';
import { parseMapping } from '../server/tracker-import/mapping.js';
import { findMappingByName } from '../server/tracker-import/store.js';
import { printProblems, printReview, printSummary } from './import-output.js';

const USAGE = 'Usage: npm run import-tracker -- FILE --mapping NAME|mapping.json [--dry-run]   (FILE is .csv or .xlsx)';

function progressPrinter() {
  let phase = '';
  let lastRows = -1;
  let lastAt = 0;
  return (p: TrackerProgress) => {
    const rows = p.phase === 'reading' ? p.rowsRead : p.rowsChecked;
    const now = Date.now();
    if (p.phase === phase && (now - lastAt < 1000 || rows === lastRows)) return;
    phase = p.phase;
    lastRows = rows;
    lastAt = now;
    const n = (x: number) => x.toLocaleString('en-GB');
    if (p.phase === 'reading') console.error(`reading: ${n(p.rowsRead)} rows read`);
    else if (p.phase === 'checking') console.error(`checking: ${n(p.rowsChecked)}${p.rowsTotal !== null ? ` of ${n(p.rowsTotal)}` : ''} rows checked`);
    else if (p.phase === 'writing') console.error('writing: saving in one transaction');
  };
}

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({
    options: { mapping: { type: 'string' }, 'dry-run': { type: 'boolean', default: false } },
    allowPositionals: true,
  });
  if (positionals.length !== 1 || !values.mapping) {
    console.error(USAGE);
    return 2;
  }
  const file = positionals[0];
  const content = fs.readFileSync(file);
  const dryRun = !!values['dry-run'];
  return withDatabase(async (db) => {
    const started = Date.now();
    const ref = values.mapping!;
    let mapping;
    let mappingId: number | undefined;
    if (/\.json$/i.test(ref) && fs.existsSync(ref)) {
      let json: unknown;
      try {
        json = JSON.parse(fs.readFileSync(ref, 'utf8'));
      } catch (e) {
        console.error(`${ref} is not valid JSON: ${(e as Error).message}`);
        return 2;
      }
      const parsed = parseMapping(json);
      if ('error' in parsed) {
        console.error(parsed.error);
        return 2;
      }
      mapping = parsed.mapping;
    } else {
      const saved = await findMappingByName(db, ref);
      if (!saved) {
        console.error(`There is no saved mapping called "${ref}" (and no JSON file of that name)`);
        return 2;
      }
      mappingId = saved.id;
    }
    const result = await importTracker(db, content, {
      filename: path.basename(file), mapping, mappingId, userId: null, dryRun, onProgress: progressPrinter(),
    });
    if (result.header) console.log(`Headings in row ${result.header.row}${result.header.depth > 1 ? ` (and ${result.header.depth - 1} above)` : ''}`);
    printSummary(result.summary, dryRun || !result.applied);
    if (result.ignored.length) console.log(`Columns not imported: ${result.ignored.join(', ')}`);
    for (const k of result.skipped) console.log(k.row ? `Skipped row ${k.row}: ${k.reason}: ${k.text}` : `Skipped ${k.reason}`);
    if (result.problems.length) {
      printProblems(result.problems, result.stoppedAt);
      return 1;
    }
    printReview(result.findings, result.warnings, dryRun || !result.applied);
    if (dryRun) console.log('Dry run: nothing has been written.');
    else console.log(result.applied ? `Imported in ${((Date.now() - started) / 1000).toFixed(1)} s.` : 'Everything in the file is already recorded: nothing changed.');
    return 0;
  });
}

runMain(main);
