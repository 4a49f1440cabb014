import { ruleByCode } from '../quality/registry.js';
import type { ImportFinding } from './findings.js';
import type { Problem } from './validate.js';

// What an import will store but someone should look at, shaped for the check and summary
// pages (interchange and tracker alike): the data-quality findings by rule, each with the
// first few rows, and the warnings about a child's details that disagree between rows.

/** Rows listed under each rule on a page; the command-line import lists them all. */
export const FINDINGS_SHOWN_PER_RULE = 20;
export const WARNINGS_SHOWN = 200;

export interface RuleFindings<F> {
  rule: string;
  title: string;
  severity: 'error' | 'query';
  count: number;
  /** the first FINDINGS_SHOWN_PER_RULE, by row */
  shown: F[];
}

export interface ImportReview<F = ImportFinding, W = Problem> {
  findingCount: number;
  byRule: RuleFindings<F>[];
  warningCount: number;
  warnings: W[];
}

/** Findings grouped by rule (in the registry's order), and the first warnings. */
export function importReview<F extends { rule: string }, W>(findings: readonly F[], warnings: readonly W[]): ImportReview<F, W> {
  const groups = new Map<string, RuleFindings<F>>();
  for (const f of findings) {
    let g = groups.get(f.rule);
    if (!g) {
      const rule = ruleByCode(f.rule);
      g = { rule: f.rule, title: rule?.title ?? f.rule, severity: rule?.severity ?? 'query', count: 0, shown: [] };
      groups.set(f.rule, g);
    }
    g.count += 1;
    if (g.shown.length < FINDINGS_SHOWN_PER_RULE) g.shown.push(f);
  }
  return { findingCount: findings.length, byRule: [...groups.values()], warningCount: warnings.length, warnings: warnings.slice(0, WARNINGS_SHOWN) };
}

/** "1 data-quality problem" / "1,234 data-quality problems" */
export const findingsPhrase = (n: number) => `${n.toLocaleString('en-GB')} data-quality problem${n === 1 ? '' : 's'}`;
