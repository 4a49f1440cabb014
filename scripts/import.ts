// npm run import -- FILE [--dry-run]
// Checks an interchange file (CSV or .xlsx) and, unless --dry-run, imports it in one
// transaction. Any problem (what cannot be stored): every one is listed, nothing is written,
// exit code 1. Warnings (a child's details that differ between rows) and data-quality findings
// are listed too, on standard output: the records are imported as they are, to be fixed in the app.
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { runMain, withDatabase } from './cli.js';
import { importInterchange, type ImportFinding, type ImportSummary, type Problem } from '../server/interchange/index.js';
import { findingsPhrase, importReview } from '../server/interchange/review.js';

function printSummary(s: ImportSummary, dryRun: boolean) {
  const verb = dryRun ? 'would be' : 'were';
  console.log(`${s.rows} data rows`);
  for (const [key, label] of [['families', 'Families'], ['children', 'Children'], ['referrals', 'Referrals']] as const) {
    const c = s[key];
    console.log(`${label.padEnd(10)} ${c.create} ${verb} created, ${c.update} ${verb} updated, ${c.unchanged} unchanged`);
  }
}

function printProblems(problems: Problem[]) {
  console.error(`${problems.length} problem${problems.length === 1 ? '' : 's'}; nothing has been imported:`);
  for (const p of problems) console.error(line(p));
}

const line = (p: Problem) => `row ${p.row || '-'}\t${p.column || '-'}\t${JSON.stringify(p.value)}\t${p.message}`;

/** Warnings, then findings by rule: every one, so nothing is hidden from a data lead at the command line. */
function printReview(findings: ImportFinding[], warnings: Problem[], dryRun: boolean) {
  if (warnings.length) {
    console.log(`${warnings.length} warning${warnings.length === 1 ? '' : 's'}: a child's details differ between rows; the latest referral's are kept:`);
    for (const w of warnings) console.log(line(w));
  }
  if (!findings.length) return;
  console.log(`${dryRun ? 'Will be imported with' : 'Imported with'} ${findingsPhrase(findings.length)} to review (then listed on the Data quality page):`);
  for (const g of importReview(findings, []).byRule) {
    console.log(`  ${g.title}: ${g.count}`);
    for (const f of findings) if (f.rule === g.rule) console.log(`    ${line(f)}`);
  }
}

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
      printProblems(result.problems);
      return 1;
    }
    printReview(result.findings, result.warnings, dryRun || !result.applied);
    if (dryRun) console.log('Dry run: nothing has been written.');
    else console.log(result.applied ? `Imported in ${((Date.now() - started) / 1000).toFixed(1)} s.` : 'Everything in the file is already recorded: nothing changed.');
    return 0;
  });
}

runMain(main);
