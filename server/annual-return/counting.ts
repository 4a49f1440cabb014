// The annual return's figures: pure counting over plain case data, following the counting
// rules in shared/domain.md. Each population is counted by its own module in populations/;
// computeReturn composes them. Maps keyed by id, nothing O(n^2).
import { countingContext } from './populations/context.js';
import { countReferred } from './populations/referred.js';
import { countOffered } from './populations/offered.js';
import { countConsent } from './populations/consent.js';
import { countTookPlace } from './populations/took-place.js';
import { countPlansAgreed } from './populations/plans.js';
import { countAttendance } from './populations/attendance.js';
import { countDidNotTakePlace } from './populations/did-not-take-place.js';
import { countReviews } from './populations/reviews.js';
import type { Breakdown } from './breakdowns.js';
import type { AnnualReturn, Population, ReturnInput } from './return-types.js';

export type { Breakdown, BreakdownRow, BreakdownUnit, CodeEntry, CodeLists } from './breakdowns.js';
export type { AnnualReturn, Attendance, AttendanceFlag, Medians, Population, PopulationKey, ReturnInput } from './return-types.js';
export { AGE_BANDS, ageBand } from './age-bands.js';
export { median } from './median.js';
export { CHILD_DIMENSIONS, DISABILITY_ROWS, ETHNICITY_GROUPS, NOT_KNOWN_TO_CSC, UNGROUPED, type ChildDimension } from './child-breakdowns.js';
export { earliestRows, isEarlier } from './populations/children.js';
export { NOT_HELD_NO_CONSENT, NOT_HELD_WITHDRAWN } from './populations/did-not-take-place.js';

export function computeReturn(input: ReturnInput): AnnualReturn {
  const ctx = countingContext(input);
  const { referrals } = input;
  const referred = countReferred(referrals, ctx);
  const consent = countConsent(referrals, ctx);
  const tookPlace = countTookPlace(referrals, ctx);
  const notHeld = countDidNotTakePlace(referrals, ctx);
  // in presentation order: the referrals sheet, the consent sheet, the meetings sheet
  const breakdowns: Breakdown[] = [...referred.breakdowns, ...consent.breakdowns, ...tookPlace.breakdowns, ...notHeld.breakdowns];
  return {
    year: input.year,
    period: ctx.period,
    populations: {
      referred: referred.referred,
      offered: countOffered(referrals, ctx),
      consented: consent.consented,
      declined: consent.declined,
      declinedOnly: consent.declinedOnly,
      noResponse: consent.noResponse,
      tookPlace: tookPlace.tookPlace,
      reviews: countReviews(referrals, ctx),
      didNotTakePlace: notHeld.didNotTakePlace,
      plansAgreed: countPlansAgreed(tookPlace.held),
    },
    medians: { referralToConsent: consent.referralToConsent, referralToInitialFgc: tookPlace.referralToInitialFgc },
    attendance: countAttendance(tookPlace.held),
    breakdowns: Object.fromEntries(breakdowns.map((b) => [b.key, b])),
  };
}

/**
 * Every breakdown whose rows do not add up: rows that do not sum to the stated total, a total that
 * differs from the population it breaks down, or a row whose count differs from its ids. [] when all good.
 */
export function reconcile(ret: AnnualReturn): string[] {
  const problems: string[] = [];
  for (const b of Object.values(ret.breakdowns)) {
    const name = `${b.title} [${b.key}]`;
    const pop = (ret.populations as Record<string, Population | undefined>)[b.population];
    let sum = 0;
    for (const row of b.rows) {
      sum += row.count;
      if (row.ids.length !== row.count) {
        problems.push(`${name}: row "${row.label}" shows ${row.count} but lists ${row.ids.length} ids`);
      }
    }
    if (sum !== b.total) problems.push(`${name}: rows sum to ${sum} but the total is ${b.total}`);
    if (!pop) {
      problems.push(`${name}: unknown population "${b.population}"`);
      continue;
    }
    const expected = b.unit === 'children' ? pop.children : pop.fgcs;
    if (expected === null) {
      problems.push(`${name}: population "${b.population}" has no ${b.unit} count`);
    } else if (sum !== expected) {
      problems.push(`${name}: rows sum to ${sum} but the population (${pop.title}) is ${expected} ${b.unit === 'children' ? 'children' : 'FGCs'}`);
    }
  }
  return problems;
}
