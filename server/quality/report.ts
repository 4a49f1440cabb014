import type { Knex } from 'knex';
import { todayIso } from '../common/dates.js';
import { qualityContext } from './context.js';
import { countByRule, evaluate, type Issue, type QualityDataset, type RuleCount } from './evaluate.js';
import { RULES } from './registry.js';
import { loadCmsIdPattern, loadQualityDataset, loadSharedCmsIds } from './report-data.js';

export type { Issue, RuleCount } from './evaluate.js';

export interface QualityOptions {
  /** referrals with any step in the period, and the children on them; absent = the whole database */
  period?: { from: string; to: string; label?: string };
  /** rule codes to run; absent = every rule */
  rules?: string[];
  /** defaults to the real today */
  today?: string;
  /** the period's referrals and children, already loaded or on their way (qualityDatasetOf the year's case data); absent = loaded here */
  data?: QualityDataset | Promise<QualityDataset>;
}

export interface QualityReport {
  period: { from: string; to: string; label?: string } | null;
  today: string;
  issues: Issue[];
  /** every rule run, zeros included, in registry order */
  counts: RuleCount[];
}

/**
 * The data-quality report: every rule over the whole database or a period. A few
 * set-based queries, then pure rules in memory.
 */
export async function runQuality(db: Knex, options: QualityOptions = {}): Promise<QualityReport> {
  const today = options.today ?? todayIso();
  const rules = options.rules ? RULES.filter((r) => options.rules!.includes(r.code)) : RULES;
  const needsCmsIndex = rules.some((r) => r.code === 'duplicate-cms-id');
  if (options.data && !options.period) throw new Error('a loaded dataset is a period\'s: give its period too');
  // The whole database already holds every child; a period compares with children outside it too.
  const [data, pattern, shared] = await Promise.all([
    options.data ?? loadQualityDataset(db, { period: options.period }),
    loadCmsIdPattern(db),
    needsCmsIndex && options.period ? loadSharedCmsIds(db) : [],
  ]);
  const cmsIds = !needsCmsIndex ? [] : options.period ? [...data.children, ...shared] : data.children;
  const ctx = qualityContext({ today, cmsIdPattern: pattern, cmsIds, children: data.children });
  const issues = evaluate(data, ctx, rules);
  return { period: options.period ?? null, today, issues, counts: countByRule(issues, rules) };
}

/** The annual return's Data quality table: rules with issues in the year, errors first. */
export function qualityTableRows(report: QualityReport): { code: string; label: string; count: number }[] {
  return report.counts
    .filter((c) => c.count > 0)
    .sort((a, b) => (a.severity === b.severity ? 0 : a.severity === 'error' ? -1 : 1))
    .map((c) => ({ code: c.rule, label: `${c.title} (${c.severity})`, count: c.count }));
}
