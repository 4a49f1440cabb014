// Referred: referrals with a referral date in the period, and the distinct children on them.
import type { Referral } from '../../cases/types.js';
import { codeOf, type Breakdown } from '../breakdowns.js';
import type { Population } from '../return-types.js';
import { populationWithChildren } from './children.js';
import { BY_STAGE, datedIn, fgcBreakdown, type CountingContext } from './context.js';

export function countReferred(referrals: readonly Referral[], ctx: CountingContext): { referred: Population; breakdowns: Breakdown[] } {
  const referred = datedIn(referrals, ctx, (r) => r.referral_date);
  const { population, characteristics } = populationWithChildren('referred', referred, ctx);
  return {
    referred: population,
    breakdowns: [
      ...characteristics,
      fgcBreakdown(ctx, 'referred', 'stageOffered', 'FGCs referred, by stage offered', referred, BY_STAGE),
      fgcBreakdown(ctx, 'referred', 'referralSource', 'FGCs referred, by referral source', referred, {
        list: 'referral_source',
        codeOf: (r) => codeOf(r.referral_source),
      }),
    ],
  };
}
