// What the import commands print: problems (which refuse the file), warnings and data-quality
// findings (imported as they are, to be fixed in the app), every one of them (past MAX_PROBLEMS
// problems checking stops).
import { findingsPhrase, importReview } from '../server/interchange/review.js';
import type { Problem } from '../server/interchange/validate.js';
import type { ImportSummary } from '../server/interchange/apply.js';
import { problemCountText } from '../server/interchange/problem-count.js';

export function printSummary(s: ImportSummary, dryRun: boolean) {
  const verb = dryRun ? 'would be' : 'were';
  console.log(`${s.rows} data rows`);
  for (const [key, label] of [['families', 'Families'], ['children', 'Children'], ['referrals', 'Referrals']] as const) {
    const c = s[key];
    console.log(`${label.padEnd(10)} ${c.create} ${verb} created, ${c.update} ${verb} updated, ${c.unchanged} unchanged`);
  }
}

export const problemLine = (p: Problem) => `row ${p.row || '-'}\t${p.column || '-'}\t${JSON.stringify(p.value)}\t${p.message}`;

export function printProblems(problems: Problem[], stoppedAt?: number) {
  console.error(`${problemCountText(problems.length, stoppedAt)}; nothing has been imported:`);
  for (const p of problems) console.error(problemLine(p));
}

/** Warnings, then findings by rule: every one, so nothing is hidden from a data lead at the command line. */
export function printReview(findings: (Problem & { rule: string })[], warnings: Problem[], dryRun: boolean) {
  if (warnings.length) {
    console.log(`${warnings.length} warning${warnings.length === 1 ? '' : 's'}: a child's details differ between rows; the latest referral's are kept:`);
    for (const w of warnings) console.log(problemLine(w));
  }
  if (!findings.length) return;
  console.log(`${dryRun ? 'Will be imported with' : 'Imported with'} ${findingsPhrase(findings.length)} to review (then listed on the Data quality page):`);
  for (const g of importReview(findings, []).byRule) {
    console.log(`  ${g.title}: ${g.count}`);
    for (const f of findings) if (f.rule === g.rule) console.log(`    ${problemLine(f)}`);
  }
}
