// Took place: referrals whose initial FGC was held in the period, the distinct children on them
// and the median days from referral to the FGC. Review FGCs are counted apart (reviews.ts).
import type { Referral } from '../../cases/types.js';
import type { Breakdown } from '../breakdowns.js';
import type { Population } from '../return-types.js';
import { populationWithChildren } from './children.js';
import { BY_STAGE, datedIn, fgcBreakdown, medianDaysFromReferral, type CountingContext } from './context.js';

export interface TookPlaceCounts {
  tookPlace: Population;
  /** the referrals whose initial FGC was held in the period, in input order */
  held: Referral[];
  /** median days referral -> initial FGC */
  referralToInitialFgc: number | null;
  breakdowns: Breakdown[];
}

export function countTookPlace(referrals: readonly Referral[], ctx: CountingContext): TookPlaceCounts {
  const held = datedIn(referrals, ctx, (r) => r.initial_fgc_date);
  const { population, characteristics } = populationWithChildren('tookPlace', held, ctx);
  return {
    tookPlace: population,
    held,
    referralToInitialFgc: medianDaysFromReferral(held, (r) => r.initial_fgc_date),
    breakdowns: [fgcBreakdown(ctx, 'tookPlace', 'stageOffered', 'Initial FGCs held, by stage offered', held, BY_STAGE), ...characteristics],
  };
}
