import type { Referral } from '../cases/types.js';
import { stageOrderProblems } from '../cases/stage-rules.js';

/**
 * Counts of data-quality problems among the year's referrals, by problem, for the
 * return's Data quality sheet. Pure.
 */
export function qualitySummary(referrals: Referral[]): { code: string; label: string; count: number }[] {
  const counts = new Map<string, { label: string; count: number }>();
  for (const r of referrals) {
    for (const p of stageOrderProblems(r)) {
      const key = p.field;
      const entry = counts.get(key) ?? counts.set(key, { label: p.message.replace(/ \d{1,2} \w+ \d{4}$/, ' the date before it'), count: 0 }).get(key)!;
      entry.count++;
    }
  }
  return [...counts.entries()].map(([code, v]) => ({ code, ...v })).sort((a, b) => b.count - a.count);
}
