import type { Knex } from 'knex';
import { loadCaseData } from './return-data.js';
import type { Column } from '../common/tabular-export.js';
import type { Child, Referral, ReferralChild } from '../cases/types.js';
import { survivorResolver } from '../cases/merged-children.js';

// One row per child per referral, keyed by CMS id, with no names and the date of birth
// reduced to month and year: for a national child-level collection and for loading the
// CIN census pre-proceedings / FGDM items into the case management system.
export interface ExtractRow {
  referral: Referral;
  link: ReferralChild;
  child: Child | undefined;
}

const yn = (b: boolean) => (b ? 'Y' : 'N');
const month = (d: string | null | undefined) => (d ? d.slice(0, 7) : '');

export const EXTRACT_COLUMNS: Column<ExtractRow>[] = [
  { header: 'cms_id', value: (r) => r.child?.cms_id ?? '' },
  { header: 'child_ref', value: (r) => r.child?.child_ref ?? '' },
  { header: 'birth_month', value: (r) => month(r.child?.date_of_birth) },
  { header: 'expected_birth_month', value: (r) => (r.child?.date_of_birth ? '' : month(r.child?.expected_date_of_birth)) },
  { header: 'sex', value: (r) => r.child?.sex ?? '' },
  { header: 'ethnicity', value: (r) => r.child?.ethnicity ?? '' },
  { header: 'referral_ref', value: (r) => r.referral.referral_ref },
  { header: 'referral_date', value: (r) => r.referral.referral_date },
  { header: 'stage_offered', value: (r) => r.referral.stage_offered ?? '' },
  { header: 'legal_status_at_referral', value: (r) => r.link.legal_status ?? '' },
  { header: 'lbp_date', value: (r) => r.referral.lbp_date ?? '' },
  { header: 'fgdm_offered', value: (r) => yn(!!r.referral.offer_date) },
  { header: 'fgdm_offer_date', value: (r) => r.referral.offer_date ?? '' },
  { header: 'fgdm_facilitated', value: (r) => yn(!!r.referral.initial_fgc_date) },
  { header: 'initial_fgc_date', value: (r) => r.referral.initial_fgc_date ?? '' },
  { header: 'consent_decision', value: (r) => r.referral.consent_decision ?? '' },
  { header: 'review_meetings', value: (r) => new Set(r.referral.review_dates).size }, // one meeting per distinct date (domain.md)
  { header: 'fgc_not_held_reason', value: (r) => r.referral.fgc_not_held_reason ?? '' },
  { header: 'outcome_6m_legal_status', value: (r) => r.link.outcome_6m_legal_status ?? '' },
  { header: 'outcome_6m_living', value: (r) => r.link.outcome_6m_living ?? '' },
  { header: 'outcome_12m_legal_status', value: (r) => r.link.outcome_12m_legal_status ?? '' },
  { header: 'outcome_12m_living', value: (r) => r.link.outcome_12m_living ?? '' },
];

/** The rows for referrals with any step in the period, merged children shown as their survivor. */
export async function childExtract(db: Knex, period: { from: string; to: string }): Promise<ExtractRow[]> {
  const { referrals, children } = await loadCaseData(db, period);
  return extractRows(referrals, children);
}

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * One row per child per referral, by referral date, then referral reference, then child reference
 * (the survivor's, then the record on the referral): never by id or by the order rows were read,
 * so the same cases give the same extract in any database. Sorts `referrals` in place.
 */
export function extractRows(referrals: Referral[], children: Child[]): ExtractRow[] {
  const byId = new Map(children.map((c) => [c.id, c]));
  const resolve = survivorResolver(children);
  const survivor = (id: number) => byId.get(resolve(id)) ?? byId.get(id);
  const refOf = (c: Child | undefined) => c?.child_ref ?? '';
  return referrals
    .sort((a, b) => cmp(a.referral_date, b.referral_date) || cmp(a.referral_ref, b.referral_ref))
    .flatMap((referral) => referral.children
      .map((link) => ({ referral, link, child: survivor(link.child_id), own: refOf(byId.get(link.child_id)) }))
      .sort((a, b) => cmp(refOf(a.child), refOf(b.child)) || cmp(a.own, b.own))
      .map(({ referral, link, child }) => ({ referral, link, child })));
}
