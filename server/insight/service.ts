// The insight pages' figures for a selection (period and filters): the selection's case data
// read through the case repositories (one read per page), then counted by the pure modules
// (computeReturn underneath: the one place populations are counted). Nothing is kept between
// requests, so every page shows every change as soon as it is saved, in every process.
import type { Knex } from 'knex';
import { loadCodeLists, type CodeLists } from '../codes/code-lists.js';
import { loadCaseSet } from '../cases/case-set.js';
import { INSIGHT_FIELDS, loadReferrals } from '../cases/referrals-repository.js';
import { countPeriod, type CaseData } from './common.js';
import { applyFilters, earliestReferralDate, loadTeams } from './data.js';
import { filterOptions, type FilterOptions, type Filters } from './filters.js';
import type { Period } from './period.js';
import { funnelFigures } from './funnel.js';
import { refusalFigures, type RefusalDimension } from './refusals.js';
import { equityFigures, equityTable, type EquityDimension } from './equity.js';
import { getComparison, listComparisons, type ComparisonSummary } from './comparison-repository.js';
import { timelinessFigures, type TimelinessFigures } from './timeliness.js';
import { dueOutcomes, dueTable, lastDueConference, outcomeFigures, type DueOutcome } from './outcomes.js';
import { OUTCOME_FIELDS } from '../cases/stages.js';
import { planFigures } from './plans.js';
import { monthlyTrend, trendRange, trendTable, type TrendMonth } from './trends.js';
import type { InsightTable } from './tables.js';

export interface Selection {
  period: Period;
  filters: Filters;
}

export interface Basics {
  codes: CodeLists;
  options: FilterOptions;
  earliest: string | null;
}

/** Outcomes listed on the page; the download has them all. */
export const DUE_SHOWN = 100;

/** The insight figures of one database. */
export function insightService(db: Knex) {
  /** The referrals with any step in the range that pass the filters, the fields insight reads. */
  const selected = (range: { from: string; to: string }, filters: Filters) => ({ active: range, fields: INSIGHT_FIELDS, narrow: (q: Knex.QueryBuilder) => applyFilters(db, q, filters, 'r') });
  /** Those referrals with their children. */
  const caseData = async (b: Basics, range: { from: string; to: string }, filters: Filters): Promise<CaseData> =>
    ({ ...(await loadCaseSet(db, selected(range, filters))), codes: b.codes });

  /**
   * The referrals passing the filters that may have an outcome due and not recorded: an FGC
   * held long enough ago, with a child whose outcome is blank (dueOutcomes decides).
   */
  const outcomeCandidates = (filters: Filters, today: string) => loadReferrals(db, {
    fields: ['initial_fgc_date'],
    narrow: (q) => {
      applyFilters(db, q, filters, 'r').whereNot('r.initial_fgc_date', '').where('r.initial_fgc_date', '<=', lastDueConference(today, 6))
        .whereExists(db('referral_children as x').whereRaw('x.referral_id = r.id').where((w) => {
          for (const f of OUTCOME_FIELDS) w.orWhereNull(`x.${f}`).orWhere(`x.${f}`, '');
        }));
    },
  });

  return {
    /** Code lists, filter options and the earliest referral date. */
    async basicsNow(): Promise<Basics> {
      const [codes, teams, earliest] = await Promise.all([loadCodeLists(db), loadTeams(db), earliestReferralDate(db)]);
      return { codes, options: filterOptions(codes, teams), earliest };
    },

    async funnel(b: Basics, sel: Selection) {
      return funnelFigures(await caseData(b, sel.period, sel.filters), sel.period);
    },

    async refusals(b: Basics, sel: Selection, by: RefusalDimension) {
      const f = refusalFigures(await caseData(b, sel.period, sel.filters), sel.period, by);
      return { tables: f.tables, byTables: f.byTables };
    },

    comparisons(): Promise<ComparisonSummary[]> {
      return listComparisons(db);
    },

    async equity(b: Basics, sel: Selection, comparisonId: number | null): Promise<{ dimensions: EquityDimension[]; tables: InsightTable[] }> {
      const [data, comparison] = await Promise.all([caseData(b, sel.period, sel.filters), comparisonId ? getComparison(db, comparisonId) : null]);
      const dimensions = equityFigures(countPeriod(data, sel.period), comparison?.data ?? null);
      return { dimensions, tables: dimensions.map(equityTable) };
    },

    async timeliness(b: Basics, sel: Selection): Promise<{ figures: TimelinessFigures; tables: InsightTable[] }> {
      const t = timelinessFigures(await caseData(b, sel.period, sel.filters), sel.period);
      return { figures: t.figures, tables: t.tables };
    },

    async outcomes(b: Basics, sel: Selection, today: string) {
      const [data, held] = await Promise.all([caseData(b, sel.period, sel.filters), outcomeCandidates(sel.filters, today)]);
      const o = outcomeFigures(data, sel.period, today);
      const due = dueOutcomes(held, today);
      return { heldChildren: o.held.children, notHeldChildren: o.notHeld.children, tables: o.tables, due: { count: due.length, shown: due.slice(0, DUE_SHOWN) } };
    },

    async plans(b: Basics, sel: Selection) {
      const p = planFigures(await caseData(b, sel.period, sel.filters), sel.period);
      return { held: p.held, agreed: p.agreed, sent: p.sent, tables: p.tables };
    },

    async trends(b: Basics, filters: Filters, today: string): Promise<{ trend: TrendMonth[]; tables: InsightTable[] }> {
      const range = trendRange(today);
      // referrals, conferences and review meetings: FGCs only, so no children are read
      const referrals = await loadReferrals(db, selected(range, filters));
      const trend = monthlyTrend({ referrals, children: [], codes: b.codes }, range.months);
      return { trend, tables: [trendTable(trend, today)] };
    },

    /** Every outcome due and not recorded, for the download. */
    async allDue(filters: Filters, today: string): Promise<InsightTable> {
      return dueTable(dueOutcomes(await outcomeCandidates(filters, today), today));
    },
  };
}

export type InsightService = ReturnType<typeof insightService>;
export type { DueOutcome };
