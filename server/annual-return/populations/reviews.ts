// Review FGCs: referrals with a review meeting held in the period, and the meetings (one per
// distinct date per FGC: the same date entered twice is one meeting).
import type { Referral } from '../../cases/types.js';
import { inRange } from '../../common/dates.js';
import type { Population } from '../return-types.js';
import { fgcPopulation, type CountingContext } from './context.js';

export function countReviews(referrals: readonly Referral[], ctx: CountingContext): Population {
  const reviewed: Referral[] = [];
  let meetings = 0;
  for (const r of referrals) {
    const dates = r.review_dates;
    if (!dates || dates.length === 0) continue;
    const held = dates.length === 1 ? Number(inRange(dates[0], ctx.period)) : new Set(dates.filter((d) => inRange(d, ctx.period))).size;
    if (held > 0) {
      reviewed.push(r);
      meetings += held;
    }
  }
  return { ...fgcPopulation('reviews', reviewed), meetings };
}
