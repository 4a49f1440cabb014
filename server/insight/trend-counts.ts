// Trends counted in the database: for each month, the referrals received, the initial
// conferences held and the review meetings held (a referral's reviews on one date are one
// meeting), as monthlyTrend (trends.ts) counts them with computeReturn, by the same date ranges
// (monthRange), in one scan of the referrals and one of their reviews.
// test/insight-loading.test.ts checks both give the same figures.
import type { Knex } from 'knex';
import { rowsOf } from './sql.js';
import { applyFilters } from './data.js';
import type { Filters } from './filters.js';
import { monthRange } from './period.js';
import type { TrendMonth } from './trends.js';

export async function trendCounts(db: Knex, range: { from: string; to: string; months: string[] }, filters: Filters): Promise<TrendMonth[]> {
  const bindings: Record<string, unknown> = { from: range.from, to: range.to };
  range.months.forEach((m, i) => {
    const r = monthRange(m);
    bindings[`f${i}`] = r.from;
    bindings[`t${i}`] = r.to;
  });
  const inMonth = (column: string, i: number) => `sum(case when ${column} >= :f${i} and ${column} <= :t${i} then 1 else 0 end)`;
  const referrals = applyFilters(db, db('referrals').select('id', 'referral_date', 'initial_fgc_date'), filters)
    .where((w) => w.whereBetween('referral_date', [range.from, range.to]).orWhereBetween('initial_fgc_date', [range.from, range.to]));
  const reviews = db('review_conferences as v').distinct('v.referral_id', 'v.review_date')
    .whereBetween('v.review_date', [range.from, range.to])
    .whereIn('v.referral_id', applyFilters(db, db('referrals').select('id'), filters));
  const row = async (sql: string, b: Record<string, unknown>) => (await rowsOf(db, sql, b))[0] ?? {};
  const [r, v] = await Promise.all([
    row(`select ${range.months.map((_, i) => `${inMonth('r.referral_date', i)} as r${i}, ${inMonth('r.initial_fgc_date', i)} as c${i}`).join(', ')} from :referrals as r`, { ...bindings, referrals }),
    row(`select ${range.months.map((_, i) => `${inMonth('v.review_date', i)} as v${i}`).join(', ')} from :reviews as v`, { ...bindings, reviews }),
  ]);
  const n = (value: unknown) => Number(value ?? 0);
  return range.months.map((month, i) => ({ month, referrals: n(r[`r${i}`]), conferences: n(r[`c${i}`]), reviews: n(v[`v${i}`]) }));
}
