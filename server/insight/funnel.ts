// Take-up: how far the referrals received in the period have got, step by step, for FGCs and
// for children; and what happened in the period (the annual return's populations, filtered).
import type { AnnualReturn } from '../annual-return/counting.js';
import { ALL_TIME, countPeriod, indexReferrals, pick, resolverFor, type CaseData, type Range } from './common.js';
import { distinctChildren } from './people.js';
import { share, type InsightTable } from './tables.js';

export interface FunnelStep {
  key: 'referred' | 'offered' | 'consented' | 'tookPlace' | 'plansAgreed' | 'reviews';
  label: string;
  fgcs: number;
  children: number;
}

export const FUNNEL_STEPS: { key: FunnelStep['key']; label: string }[] = [
  { key: 'referred', label: 'Referred' },
  { key: 'offered', label: 'Offered' },
  { key: 'consented', label: 'Consented' },
  { key: 'tookPlace', label: 'Conference held' },
  { key: 'plansAgreed', label: 'Plan agreed' },
  { key: 'reviews', label: 'Review held' },
];

/**
 * The referrals received in the period (the cohort) and how many have reached each step so far,
 * whenever it happened. Counted by computeReturn over the cohort with no date limit, so each
 * step means what the annual return means by it; children are distinct people.
 */
export function cohortFunnel(data: CaseData, period: Range): { steps: FunnelStep[]; cohort: AnnualReturn } {
  const cohortReferrals = data.referrals.filter((r) => r.referral_date >= period.from && r.referral_date <= period.to);
  const cohort = countPeriod(data, ALL_TIME, cohortReferrals, { childBreakdowns: false });
  const byId = indexReferrals(cohortReferrals);
  const resolve = resolverFor(data);
  const steps = FUNNEL_STEPS.map(({ key, label }) => {
    const p = cohort.populations[key];
    const children = p.children ?? distinctChildren(pick(byId, p.fgcIds), resolve).size;
    return { key, label, fgcs: p.fgcs, children };
  });
  return { steps, cohort };
}

export function funnelTable(steps: FunnelStep[]): InsightTable {
  const first = steps[0];
  return {
    id: 'funnel',
    title: 'Referrals received in the period, by the furthest step reached so far',
    columns: [
      { key: 'step', header: 'Step', kind: 'label' },
      { key: 'fgcs', header: 'FGCs', kind: 'count' },
      { key: 'fgcsPrevious', header: 'FGCs, of the step before', kind: 'percent', basedOn: ['fgcs'] },
      { key: 'fgcsReferred', header: 'FGCs, of those referred', kind: 'percent', basedOn: ['fgcs'] },
      { key: 'children', header: 'Children', kind: 'count' },
      { key: 'childrenPrevious', header: 'Children, of the step before', kind: 'percent', basedOn: ['children'] },
      { key: 'childrenReferred', header: 'Children, of those referred', kind: 'percent', basedOn: ['children'] },
    ],
    rows: steps.map((s, i) => {
      const prev = i > 0 ? steps[i - 1] : null;
      return {
        cells: {
          step: s.label,
          fgcs: s.fgcs,
          fgcsPrevious: prev ? share(s.fgcs, prev.fgcs) : null,
          fgcsReferred: share(s.fgcs, first.fgcs),
          children: s.children,
          childrenPrevious: prev ? share(s.children, prev.children) : null,
          childrenReferred: share(s.children, first.children),
        },
      };
    }),
    note: 'Each step counts the referrals received in the period that have reached it by today, whenever that happened. Referrals received recently may not have reached the later steps yet. A child on two referrals counts once.',
  };
}

/** The populations the activity table shows (an AnnualReturn has them all). */
export interface ActivityCounts {
  populations: Record<'referred' | 'offered' | 'consented' | 'declined' | 'tookPlace' | 'plansAgreed' | 'didNotTakePlace' | 'reviews',
    { fgcs: number; children: number | null; meetings?: number }>;
}

/** What happened in the period, by the annual return's counting rules. */
export function activityTable(ret: ActivityCounts): InsightTable {
  const p = ret.populations;
  const line = (measure: string, fgcs: number, children: number | null) => ({ cells: { measure, fgcs, children } });
  return {
    id: 'activity',
    title: 'What happened in the period',
    columns: [
      { key: 'measure', header: 'Measure', kind: 'label' },
      { key: 'fgcs', header: 'FGCs', kind: 'count' },
      { key: 'children', header: 'Children', kind: 'count' },
    ],
    rows: [
      line('Referrals received', p.referred.fgcs, p.referred.children),
      line('FGCs offered', p.offered.fgcs, null),
      line('FGCs consented to', p.consented.fgcs, p.consented.children),
      line('FGCs declined or with no response', p.declined.fgcs, null),
      line('Initial FGCs held', p.tookPlace.fgcs, p.tookPlace.children),
      line('Plans agreed at initial FGCs', p.plansAgreed.fgcs, null),
      line('FGCs closed without a conference', p.didNotTakePlace.fgcs, null),
      line('FGCs with a review held', p.reviews.fgcs, null),
      line('Review meetings held', p.reviews.meetings ?? 0, null),
    ],
    note: 'Each line counts the events dated in the period, by the annual return\'s counting rules, so with no filters these match the annual return for a financial year.',
  };
}

/** Funnel figures from the period's case data. */
export function funnelFigures(data: CaseData, period: Range) {
  const ret = countPeriod(data, period, data.referrals, { childBreakdowns: false });
  const { steps } = cohortFunnel(data, period);
  return { steps, tables: [funnelTable(steps), activityTable(ret)] };
}
