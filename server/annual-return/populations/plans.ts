// Plans agreed: initial FGCs held in the period whose plan was agreed.
import type { Referral } from '../../cases/types.js';
import type { Population } from '../return-types.js';
import { fgcPopulation } from './context.js';

/** `held`: the referrals whose initial FGC was held in the period (took-place.ts). */
export function countPlansAgreed(held: readonly Referral[]): Population {
  return fgcPopulation('plansAgreed', held.filter((r) => r.plan_agreed === true));
}
