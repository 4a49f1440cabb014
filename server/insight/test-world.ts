// A small hand-made world for the insight tests, built the same way twice: as plain objects for
// the pure modules, and through the real repositories for the pages. It has a family whose
// children are split across two referrals (one of them unborn and not known to children's
// social care), a child recorded twice and merged, a referral from the year before whose
// consent and conference fall in the year, and an open referral.
import type { Knex } from 'knex';
import type { Child, Referral } from '../cases/types.js';
import { makeChild, makeReferral, onReferral, seedCodes } from '../annual-return/test-fixtures.js';
import { seedFamily, seedReferral } from '../../test/support/cases.js';
import type { ReferralFields } from '../cases/referrals-repository.js';

/** The reporting year of the world: 2024-25. */
export const YEAR = 2024;
/** "Today" for outcomes due. */
export const TODAY = '2025-06-01';

type ChildSpec = Partial<Child> & { key: string };
type ReferralSpec = ReferralFields & Partial<Pick<Referral, 'review_dates' | 'plan_content'>> & { referral_date: string; key: string; family: string; kids: [string, string | null][]; outcomes?: Record<string, Partial<Record<'outcome_6m_legal_status' | 'outcome_6m_living' | 'outcome_12m_legal_status' | 'outcome_12m_living', string>>> };

export const FAMILIES: Record<string, ChildSpec[]> = {
  A: [
    { key: 'a1', cms_id: 'CMS-A1', date_of_birth: '2012-05-01', sex: 'F', ethnicity: 'WBRI', disabilities: ['NONE'] },
    { key: 'a2', cms_id: 'CMS-A2', date_of_birth: '2019-01-10', sex: 'M', ethnicity: 'BCRB', disabilities: [] },
    // unborn at referral, not known to children's social care
    { key: 'a3', cms_id: null, date_of_birth: null, expected_date_of_birth: '2024-08-01', sex: null, ethnicity: null, disabilities: [] },
  ],
  B: [
    { key: 'b1', cms_id: null, date_of_birth: '2008-02-01', sex: 'F', ethnicity: 'AIND', disabilities: ['AUT'] },
    // a duplicate record of b1, merged into it
    { key: 'b1dup', cms_id: null, date_of_birth: '2008-02-01', sex: 'F', ethnicity: 'WBRI', disabilities: [] },
  ],
  C: [{ key: 'c1', cms_id: 'CMS-C1', date_of_birth: '2020-03-03', sex: 'M', ethnicity: null, disabilities: [] }],
};

export const MERGES: [string, string][] = [['b1dup', 'b1']];

export const REFERRALS: ReferralSpec[] = [
  {
    key: 'R1', family: 'A', kids: [['a1', 'CP'], ['a2', 'CP']], referral_date: '2024-04-10', stage_offered: 'CP', referral_source: 'SW',
    offer_date: '2024-04-12', consent_decision: 'GIVEN', consent_date: '2024-04-20', initial_fgc_date: '2024-05-15',
    plan_agreed: true, plan_date: '2024-05-15', plan_sent_date: '2024-05-24', plan_content: ['REMAIN', 'SAFETY'], review_dates: ['2024-08-15'],
    outcomes: { a1: { outcome_6m_legal_status: 'CIN', outcome_6m_living: 'PARENTS' } },
  },
  {
    key: 'R2', family: 'A', kids: [['a2', 'PLO'], ['a3', null]], referral_date: '2024-06-01', stage_offered: 'PLO', referral_source: 'LEGAL',
    offer_date: '2024-06-03', consent_decision: 'DECLINED', consent_date: '2024-06-10', decline_reason: 'DISTRUST', closure_date: '2024-06-30',
    outcomes: { a3: { outcome_6m_legal_status: 'CLOSED', outcome_6m_living: 'PARENTS' } },
  },
  {
    key: 'R3', family: 'B', kids: [['b1dup', 'EH']], referral_date: '2024-07-01', stage_offered: 'EH', referral_source: 'EHP',
    offer_date: '2024-07-02', consent_decision: 'NORESP', consent_date: '2024-07-20', decline_reason: 'NOHELP', closure_date: '2024-08-01',
  },
  {
    key: 'R4', family: 'B', kids: [['b1', 'EH']], referral_date: '2024-09-01', stage_offered: 'EH', referral_source: 'SELF',
    offer_date: '2024-09-05', consent_decision: 'GIVEN', consent_date: '2024-09-10', initial_fgc_date: '2024-10-01', plan_agreed: false, closure_date: '2024-12-01',
  },
  {
    // referred the year before; consent and conference in the year
    key: 'R5', family: 'C', kids: [['c1', 'CIN']], referral_date: '2024-03-20', stage_offered: 'CIN', referral_source: 'SW',
    offer_date: '2024-03-25', consent_decision: 'GIVEN', consent_date: '2024-04-02', initial_fgc_date: '2024-04-25',
    plan_agreed: true, plan_date: '2024-04-25', plan_sent_date: '2024-05-20', plan_content: ['KIN'],
    outcomes: { c1: { outcome_6m_legal_status: 'CO', outcome_6m_living: 'FOSTER' } },
  },
  // open, nothing after the referral; coordinated by the South team in the page tests
  { key: 'R6', family: 'C', kids: [['c1', 'CIN']], referral_date: '2025-02-01', stage_offered: 'CIN', referral_source: null },
];

/** The world as plain objects, with ids: children 1.., referrals 101.. */
export function pureWorld() {
  const childIds: Record<string, number> = {};
  const children: Child[] = [];
  let id = 1;
  Object.values(FAMILIES).forEach((specs, f) => {
    for (const { key, ...c } of specs) {
      childIds[key] = id;
      children.push(makeChild({ id, family_id: f + 1, child_ref: key, ...c }));
      id++;
    }
  });
  for (const [from, to] of MERGES) children.find((c) => c.id === childIds[from])!.merged_into_id = childIds[to];
  const referralIds: Record<string, number> = {};
  const families = Object.keys(FAMILIES);
  const referrals: Referral[] = REFERRALS.map(({ key, family, kids, outcomes, ...r }, i) => {
    referralIds[key] = 101 + i;
    return makeReferral({
      id: 101 + i, referral_ref: key, family_id: families.indexOf(family) + 1, ...r,
      children: kids.map(([k, status]) => ({ ...onReferral(childIds[k], status), ...(outcomes?.[k] ?? {}) })),
    });
  });
  return { children, referrals, codes: seedCodes(), childIds, referralIds };
}

/** The world in a database, through the app's repositories. Returns ids by key. */
export async function seedWorld(db: Knex, coordinators: Partial<Record<string, number>> = {}) {
  const childIds: Record<string, number> = {};
  const familyIds: Record<string, number> = {};
  for (const [family, specs] of Object.entries(FAMILIES)) {
    const { familyId, childIds: ids } = await seedFamily(db, `FAM-${family}`, specs.map(({ key, ...c }) => ({ ...c, first_name: key, last_name: `Family ${family}` })));
    familyIds[family] = familyId;
    specs.forEach((s, i) => (childIds[s.key] = ids[i]));
  }
  for (const [from, to] of MERGES) await db('children').where({ id: childIds[from] }).update({ merged_into_id: childIds[to] });
  const referralIds: Record<string, number> = {};
  for (const { key, family, kids, outcomes, review_dates, plan_content, ...fields } of REFERRALS) {
    const id = await seedReferral(db, familyIds[family], kids.map(([k, status]) => ({ child_id: childIds[k], legal_status: status })),
      { ...fields, coordinator_id: coordinators[key] ?? null }, { reviews: review_dates, plan_content });
    await db('referrals').where({ id }).update({ referral_ref: key });
    for (const [k, values] of Object.entries(outcomes ?? {})) await db('referral_children').where({ referral_id: id, child_id: childIds[k] }).update(values);
    referralIds[key] = id;
  }
  return { childIds, familyIds, referralIds };
}
