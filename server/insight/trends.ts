// Trends: referrals received, initial conferences held and review conferences held in each of
// the last 24 months. Each month is counted by computeReturn, over the referrals with a step in it.
import type { Referral } from '../cases/types.js';
import { countPeriod, type CaseData } from './common.js';
import { monthLabel, monthRange, monthsBetween } from './period.js';
import type { InsightTable } from './tables.js';
import { addMonths } from '../common/dates.js';

export const TREND_MONTHS = 24;

/** The last 24 calendar months, ending with the month `today` is in. */
export function trendRange(today: string): { from: string; to: string; months: string[] } {
  const from = `${addMonths(`${today.slice(0, 7)}-01`, -(TREND_MONTHS - 1))}`;
  const months = monthsBetween(from, today);
  return { from, to: monthRange(months[months.length - 1]).to, months };
}

export interface TrendMonth {
  month: string;
  referrals: number;
  conferences: number;
  reviews: number;
}

export function monthlyTrend(data: CaseData, months: string[]): TrendMonth[] {
  const buckets = new Map<string, Set<Referral>>(months.map((m) => [m, new Set()]));
  const put = (date: string | null | undefined, r: Referral) => {
    if (date) buckets.get(date.slice(0, 7))?.add(r);
  };
  for (const r of data.referrals) {
    put(r.referral_date, r);
    put(r.initial_fgc_date, r);
    for (const d of r.review_dates) put(d, r);
  }
  return months.map((month) => {
    const ret = countPeriod(data, monthRange(month), [...buckets.get(month)!]);
    return { month, referrals: ret.populations.referred.fgcs, conferences: ret.populations.tookPlace.fgcs, reviews: ret.populations.reviews.meetings ?? 0 };
  });
}

/**
 * The month table. The month `today` is in, unless today is its last day, is marked partial:
 * the table says so beside it and the chart leaves it out of the lines (a month counted to the
 * 5th would look like a collapse).
 */
export function trendTable(trend: TrendMonth[], today?: string): InsightTable {
  const partialMonth = today && today !== monthRange(today.slice(0, 7)).to ? today.slice(0, 7) : null;
  const toDay = today ? `${Number(today.slice(8, 10))} ${monthLabel(today.slice(0, 7)).split(' ')[0]}` : '';
  return {
    id: 'trends',
    title: 'Referrals and conferences by month',
    columns: [
      { key: 'month', header: 'Month', kind: 'label' },
      { key: 'referrals', header: 'Referrals received', kind: 'count' },
      { key: 'conferences', header: 'Initial conferences held', kind: 'count' },
      { key: 'reviews', header: 'Review conferences held', kind: 'count' },
    ],
    rows: trend.map((t) => ({
      cells: { month: monthLabel(t.month), referrals: t.referrals, conferences: t.conferences, reviews: t.reviews },
      ...(t.month === partialMonth ? { partial: true, warning: `Partial month: counted to ${toDay}` } : {}),
    })),
    note: partialMonth
      ? `${monthLabel(partialMonth)} is not over: it is counted to ${toDay}, and left out of the chart's lines.`
      : 'The current month is counted to today.',
  };
}
