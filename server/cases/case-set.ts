// The case data that figures are counted from and checked against: referrals (each with its
// children's rows, reviews and plan content) and the children on them, then the records those
// were merged into. Read through the referral and child repositories, without names, for the
// annual return, the child extract, insight and the data-quality report alike.
import type { Knex } from 'knex';
import { loadChildrenAndSurvivors, type CaseChild } from './children-repository.js';
import { loadReferrals, type CaseReferral, type ReferralWhere } from './referrals-repository.js';

export type { CaseChild } from './children-repository.js';
export type { CaseReferral } from './referrals-repository.js';

export interface CaseSet {
  /** in id order */
  referrals: CaseReferral[];
  /** the children on the referrals, then the records they were merged into (following chains) */
  children: CaseChild[];
}

/** The referrals `where` picks (a period's: any step dated in it), with their children. */
export async function loadCaseSet(db: Knex, where: Omit<ReferralWhere, 'family_id' | 'ids'>): Promise<CaseSet> {
  const referrals = await loadReferrals(db, where);
  const onReferrals = new Set<number>();
  for (const r of referrals) for (const l of r.children) onReferrals.add(l.child_id);
  return { referrals, children: await loadChildrenAndSurvivors(db, [...onReferrals]) };
}
