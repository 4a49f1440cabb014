// Timeliness: days from referral to offer, consent, initial conference and plan; median and
// 90th percentile, overall and by month of the later date. Each measure is over the FGCs
// computeReturn puts in the matching population for the period, so referral to consent and
// referral to conference medians equal the annual return's.
import type { AnnualReturn } from '../annual-return/counting.js';
import { median } from '../annual-return/counting.js';
import { daysFrom } from '../annual-return/day-number.js';
import type { Referral } from '../cases/types.js';
import { countPeriod, indexReferrals, type CaseData, type Range } from './common.js';
import { monthLabel, monthsBetween } from './period.js';
import type { InsightTable, TableRow } from './tables.js';

/** 90th percentile by the nearest-rank method: the smallest value with at least 90% of values at or below it. */
export function percentile90(values: readonly number[]): number | null {
  if (!values.length) return null;
  const sorted = Float64Array.from(values).sort();
  return sorted[Math.ceil(0.9 * sorted.length) - 1];
}

export const MEASURES = [
  { key: 'offer', label: 'Referral to offer', population: 'offered', date: 'offer_date' },
  { key: 'consent', label: 'Referral to consent', population: 'consented', date: 'consent_date' },
  { key: 'conference', label: 'Referral to initial conference', population: 'tookPlace', date: 'initial_fgc_date' },
  { key: 'plan', label: 'Referral to plan agreed', population: 'plansAgreed', date: 'plan_date' },
] as const;
export type MeasureKey = (typeof MEASURES)[number]['key'];

export interface Stat {
  count: number;
  median: number | null;
  p90: number | null;
}

const stat = (days: number[]): Stat => ({ count: days.length, median: median(days), p90: percentile90(days) });

export interface TimelinessFigures {
  overall: Record<MeasureKey, Stat>;
  /** the months shown (at most the last 24 of the period) */
  months: string[];
  byMonth: Record<MeasureKey, Stat[]>;
  /** FGCs in each population without a usable pair of dates */
  missing: Record<MeasureKey, number>;
}

/** Timeliness for the period, from its annual return and the referrals it counted. */
export function timeliness(ret: AnnualReturn, referrals: Referral[], period: Range): TimelinessFigures {
  const byId = indexReferrals(referrals);
  let months = monthsBetween(period.from, period.to);
  if (months.length > 24) months = months.slice(-24);
  const monthIndex = new Map(months.map((m, i) => [m, i]));
  const overall = {} as TimelinessFigures['overall'];
  const byMonth = {} as TimelinessFigures['byMonth'];
  const missing = {} as TimelinessFigures['missing'];
  for (const m of MEASURES) {
    const all: number[] = [];
    const monthly: number[][] = months.map(() => []);
    let without = 0;
    for (const id of ret.populations[m.population].fgcIds) {
      const r = byId.get(id);
      const to = r?.[m.date];
      const d = r && to ? daysFrom(r.referral_date, to) : null;
      if (d === null) {
        without++;
        continue;
      }
      all.push(d);
      const i = monthIndex.get(to!.slice(0, 7));
      if (i !== undefined) monthly[i].push(d);
    }
    overall[m.key] = stat(all);
    byMonth[m.key] = monthly.map(stat);
    missing[m.key] = without;
  }
  return { overall, months, byMonth, missing };
}

export function timelinessFigures(data: CaseData, period: Range) {
  const ret = countPeriod(data, period, data.referrals, { childBreakdowns: false });
  const t = timeliness(ret, data.referrals, period);
  return { ret, figures: t, tables: [overallTable(t), monthlyTable(t, 'consent'), monthlyTable(t, 'conference')] };
}

export function overallTable(t: TimelinessFigures): InsightTable {
  return {
    id: 'timeliness',
    title: 'Days from referral, over the FGCs that reached each step in the period',
    columns: [
      { key: 'measure', header: 'Measure', kind: 'label' },
      { key: 'fgcs', header: 'FGCs', kind: 'count' },
      { key: 'median', header: 'Median days', kind: 'days', basedOn: ['fgcs'] },
      { key: 'p90', header: '90th percentile days', kind: 'days', basedOn: ['fgcs'] },
      { key: 'missing', header: 'FGCs without the dates', kind: 'count' },
    ],
    rows: MEASURES.map((m) => ({
      cells: { measure: m.label, fgcs: t.overall[m.key].count, median: t.overall[m.key].median, p90: t.overall[m.key].p90, missing: t.missing[m.key] },
    })),
    note: 'Offer: FGCs offered in the period. Consent: FGCs consented to in the period. Conference: initial conferences held in the period. Plan: plans agreed at initial conferences held in the period, by the date the plan was agreed. A median of an even number of FGCs is the mean of the middle two; the 90th percentile is the smallest number of days within which 90% were done.',
  };
}

export function monthlyTable(t: TimelinessFigures, key: MeasureKey): InsightTable {
  const m = MEASURES.find((x) => x.key === key)!;
  const rows: TableRow[] = t.months.map((month, i) => {
    const s = t.byMonth[key][i];
    return { cells: { month: monthLabel(month), fgcs: s.count, median: s.median, p90: s.p90 } };
  });
  return {
    id: `timeliness-${key}-by-month`,
    title: `${m.label}, by month`,
    columns: [
      { key: 'month', header: 'Month', kind: 'label' },
      { key: 'fgcs', header: 'FGCs', kind: 'count' },
      { key: 'median', header: 'Median days', kind: 'days', basedOn: ['fgcs'] },
      { key: 'p90', header: '90th percentile days', kind: 'days', basedOn: ['fgcs'] },
    ],
    rows,
    additive: true,
    note: `By the month of the ${key === 'consent' ? 'consent decision' : 'initial conference'}.${t.months.length === 24 ? ' The last 24 months of the period.' : ''}`,
  };
}
