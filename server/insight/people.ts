// Children as people: merged duplicate records resolved to their survivor, so a child counts
// once. Counting populations and characteristics is the annual return's job (computeReturn);
// this is only for the few insight figures it does not produce (children offered, children
// whose plan was agreed, children with an outcome). Tests check it agrees with computeReturn.
import type { Child, Referral, ReferralChild } from '../cases/types.js';
import { isEarlier } from '../annual-return/counting.js';

/** Distinct children (surviving ids) on these referrals. */
export function distinctChildren(referrals: Iterable<Referral>, resolve: (id: number) => number): Set<number> {
  const out = new Set<number>();
  for (const r of referrals) for (const row of r.children) if (row && row.child_id !== null && row.child_id !== undefined) out.add(resolve(row.child_id));
  return out;
}

/**
 * Each distinct child with its row on the earliest (by referral date, then the lower referral reference:
 * never id or order) of these referrals, as the counting rules take a child's details from the
 * earliest referral putting it in a population (computeReturn's isEarlier).
 */
export function earliestRows(referrals: Iterable<Referral>, resolve: (id: number) => number): Map<number, { referral: Referral; row: ReferralChild }> {
  const out = new Map<number, { referral: Referral; row: ReferralChild }>();
  for (const r of referrals) {
    for (const row of r.children) {
      if (!row || row.child_id === null || row.child_id === undefined) continue;
      const id = resolve(row.child_id);
      const seen = out.get(id);
      if (!seen || isEarlier(r, seen.referral)) out.set(id, { referral: r, row });
    }
  }
  return out;
}
