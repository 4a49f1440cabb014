// Offered: referrals with an offer date in the period.
import type { Referral } from '../../cases/types.js';
import type { Population } from '../return-types.js';
import { datedIn, fgcPopulation, type CountingContext } from './context.js';

export function countOffered(referrals: readonly Referral[], ctx: CountingContext): Population {
  return fgcPopulation('offered', datedIn(referrals, ctx, (r) => r.offer_date));
}
