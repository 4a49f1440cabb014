// npm run import -- FILE [--dry-run]
// Checks an interchange file (CSV or .xlsx) and, unless --dry-run, imports it in one
// transaction. Any problem (what cannot be stored): every one is listed, nothing is written,
// exit code 1. Warnings (a child's details that differ between rows) and data-quality findings
// are listed too, on standard output: the records are imported as they are, to be fixed in the app.
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { runMain, withDatabase } from './cli.js';
import { importInterchange } from '../server/interchange/index.js';
import { printProblems, printReview, printSummary } from './import-output.js';

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({ options: { 'dry-run': { type: 'boolean', default: false } }, allowPositionals: true });
  if (positionals.length !== 1) {
    console.error('Usage: npm run import -- FILE [--dry-run]   (FILE is .csv or .xlsx)');
    return 2;
  }
  const file = positionals[0];
  const content = fs.readFileSync(file);
  const dryRun = !!values['dry-run'];
  return withDatabase(async (db) => {
    const started = Date.now();
    const result = await importInterchange(db, content, { filename: path.basename(file), userId: null, dryRun });
    printSummary(result.summary, dryRun || !result.applied);
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
