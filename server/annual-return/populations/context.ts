// What every population module counts with: the period, the code lists, the child records and
// how merged children resolve, and the small steps they share (referrals dated in the period,
// a population from its referrals, a breakdown of FGCs by a code, median days from referral).
import type { Child, Referral } from '../../cases/types.js';
import { financialYear, inRange } from '../../common/dates.js';
import { Tally, codeOf, finishBreakdown, listRows, unknownCodeLabel, type Breakdown, type CodeLists } from '../breakdowns.js';
import { childCoding, type ChildCoding } from '../child-breakdowns.js';
import { daysFrom } from '../day-number.js';
import { median } from '../median.js';
import type { Period, Population, PopulationKey, ReturnInput } from '../return-types.js';
import { survivorResolver } from '../../cases/merged-children.js';

export interface CountingContext {
  period: Period;
  codes: CodeLists;
  childById: Map<number, Child>;
  /** the id of the record that now carries a child (merged duplicates resolved) */
  survivorOf: (id: number) => number;
  coding: ChildCoding;
  /** false: leave out the children's breakdowns (characteristics) */
  childBreakdowns: boolean;
}

export function countingContext(input: ReturnInput): CountingContext {
  const childById = new Map<number, Child>();
  for (const c of input.children) childById.set(c.id, c);
  return {
    period: input.period ?? financialYear(input.year),
    codes: input.codes,
    childById,
    survivorOf: survivorResolver(input.children),
    coding: childCoding(input.codes),
    childBreakdowns: input.childBreakdowns !== false,
  };
}

const POPULATION_TITLES: Record<PopulationKey, string> = {
  referred: 'Referrals received (FGCs) and children subject to a referral',
  offered: 'FGCs offered',
  consented: 'FGCs consented to and children in them',
  declined: 'FGCs declined (declined or no response)',
  declinedOnly: 'FGCs declined (excluding no response)',
  noResponse: 'FGCs with no response to the offer',
  tookPlace: 'Initial FGCs that took place and children involved',
  reviews: 'Review FGCs held',
  didNotTakePlace: 'FGCs that did not take place (closed without an initial FGC)',
  plansAgreed: 'Plans agreed at initial FGCs',
};

type DateOf = (r: Referral) => string | null | undefined;

/** The referrals with the given date in the period, in input order. */
export function datedIn(referrals: readonly Referral[], ctx: CountingContext, dateOf: DateOf): Referral[] {
  return referrals.filter((r) => inRange(dateOf(r), ctx.period));
}

/** An FGC population: these referrals, with no children counted. */
export function fgcPopulation(key: PopulationKey, referrals: readonly Referral[]): Population {
  const fgcIds = referrals.map((r) => r.id);
  return { key, title: POPULATION_TITLES[key], fgcs: fgcIds.length, fgcIds, children: null, childIds: null };
}

/**
 * The FGCs of a population by a coded value, rows in the order of the code list `list`
 * (key `${population}.fgcs.${dimension}`).
 */
export function fgcBreakdown(
  ctx: CountingContext,
  population: PopulationKey,
  dimension: string,
  title: string,
  referrals: readonly Referral[],
  by: { list: string; codeOf: (r: Referral) => string; unknownLabel?: (code: string) => string },
): Breakdown {
  const tally = new Tally();
  for (const r of referrals) tally.add(by.codeOf(r), r.id);
  const key = `${population}.fgcs.${dimension}`;
  return finishBreakdown({ key, title, population, unit: 'fgcs' }, listRows(ctx.codes, by.list), tally, by.unknownLabel ?? unknownCodeLabel);
}

/** FGCs by the stage at which the FGC was offered. */
export const BY_STAGE = { list: 'stage_offered', codeOf: (r: Referral) => codeOf(r.stage_offered) };

/** Median days from each referral's referral date to the given date (referrals with either date unusable left out). */
export function medianDaysFromReferral(referrals: readonly Referral[], dateOf: DateOf): number | null {
  const days: number[] = [];
  for (const r of referrals) {
    const d = daysFrom(r.referral_date, dateOf(r));
    if (d !== null) days.push(d);
  }
  return median(days);
}
