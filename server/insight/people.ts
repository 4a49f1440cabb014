// Children as people: merged duplicate records resolved to their survivor, so a child counts
// once. Counting populations and characteristics is the annual return's job (computeReturn);
// this is only for the few insight figures it does not produce (children offered, children
// whose plan was agreed, children with an outcome). Tests check it agrees with computeReturn.
import type { Referral } from '../cases/types.js';
export { earliestRows } from '../annual-return/counting.js';

/** Distinct children (surviving ids) on these referrals. */
export function distinctChildren(referrals: Iterable<Referral>, resolve: (id: number) => number): Set<number> {
  const out = new Set<number>();
  for (const r of referrals) for (const row of r.children) if (row && row.child_id !== null && row.child_id !== undefined) out.add(resolve(row.child_id));
  return out;
}
