import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, type TestDb } from './support/db.js';
import { loadChildren, loadFamilyWithChildren } from '../server/cases/children-repository.js';
import { loadFamily } from '../server/cases/families-repository.js';
import { loadReferrals } from '../server/cases/referrals-repository.js';
import { familyDataset, loadQualityDataset } from '../server/quality/report-data.js';
import { seedFamily, seedReferral } from './support/cases.js';

// What the family page reads, in as few queries as it can, against the plain reads.

let t: TestDb;
let f: { familyId: number; childIds: number[] };
let referralIds: number[];
beforeAll(async () => {
  t = await createTestDb();
  f = await seedFamily(t.db, 'KEPT-FAM', [
    { first_name: 'One', date_of_birth: '2012-03-04', cms_id: 'AB 12', ethnicity: 'WBRI', disabilities: ['AUT', 'HEAR'], disability_self_reported: true },
    { first_name: 'Two', expected_date_of_birth: '2026-01-01' },
    { first_name: 'Three', date_of_birth: '2014-05-06', disabilities: ['VIS'] },
  ]);
  await t.db('children').where({ id: f.childIds[2] }).update({ merged_into_id: f.childIds[0] });
  referralIds = [
    await seedReferral(t.db, f.familyId, [{ child_id: f.childIds[1] }, { child_id: f.childIds[0], legal_status: 'CIN' }],
      { referral_date: '2024-02-01', offer_date: '2024-02-03', consent_decision: 'GIVEN', consent_date: '2024-02-05', plan_agreed: true },
      { reviews: ['2024-09-01', '2024-06-01'], plan_content: ['EDU', 'ACCOM'] }),
    await seedReferral(t.db, f.familyId, [{ child_id: f.childIds[0] }], { referral_date: '2023-01-01', closure_date: '2023-06-01' }),
  ];
});
afterAll(() => t.destroy());

describe('loadFamilyWithChildren', () => {
  it('is the family and its children as loadFamily and loadChildren give them', async () => {
    expect(await loadFamilyWithChildren(t.db, f.familyId)).toEqual({
      family: await loadFamily(t.db, f.familyId), children: await loadChildren(t.db, { family_id: f.familyId }),
    });
    const children = (await loadFamilyWithChildren(t.db, f.familyId))!.children;
    expect(children.map((c) => c.disabilities)).toEqual([['AUT', 'HEAR'], [], ['VIS']]);
    expect(children[0]).toMatchObject({ first_name: 'One', disability_self_reported: true, family_id: f.familyId });
    const empty = await seedFamily(t.db, 'KEPT-EMPTY', []);
    expect(await loadFamilyWithChildren(t.db, empty.familyId)).toEqual({ family: await loadFamily(t.db, empty.familyId), children: [] });
    expect(await loadFamilyWithChildren(t.db, 999_999)).toBeUndefined();
  });
});

describe('loadReferrals', () => {
  it('gives each referral its children, plan content and review dates, in order, by family or by id', async () => {
    const byFamily = await loadReferrals(t.db, { family_id: f.familyId });
    expect(byFamily.map((r) => r.id)).toEqual(referralIds); // newest first
    expect(byFamily[0]).toMatchObject({
      plan_agreed: true, plan_content: ['ACCOM', 'EDU'], review_dates: ['2024-06-01', '2024-09-01'],
      children: [
        { child_id: f.childIds[0], legal_status: 'CIN', outcome_6m_legal_status: null, outcome_6m_living: null, outcome_12m_legal_status: null, outcome_12m_living: null },
        { child_id: f.childIds[1], legal_status: null, outcome_6m_legal_status: null, outcome_6m_living: null, outcome_12m_legal_status: null, outcome_12m_living: null },
      ],
    });
    expect(byFamily[1]).toMatchObject({ plan_agreed: null, plan_content: [], review_dates: [], children: [{ child_id: f.childIds[0] }] });
    const columns = await t.db('referrals').where({ id: referralIds[0] }).first();
    expect(Object.keys(byFamily[0]).filter((k) => !(k in columns))).toEqual(['family_ref', 'children', 'plan_content', 'review_dates']);
    expect(await loadReferrals(t.db, { ids: [referralIds[1], referralIds[0]] })).toEqual(byFamily);
    expect(await loadReferrals(t.db, { ids: [] })).toEqual([]);
  });
});

describe('familyDataset', () => {
  it('has the facts loadQualityDataset reads for the family', async () => {
    const [loaded, referrals] = await Promise.all([loadFamilyWithChildren(t.db, f.familyId), loadReferrals(t.db, { family_id: f.familyId })]);
    const byChild = <T extends { child_id: number }>(xs: T[] | undefined) => [...(xs ?? [])].sort((a, b) => a.child_id - b.child_id);
    const plain = (d: Awaited<ReturnType<typeof loadQualityDataset>>) => ({
      children: d.children.map((c) => ({ ...c })),
      referrals: d.referrals.map((r) => ({ ...r, children: byChild(r.children) })),
    });
    const fromPage = plain(familyDataset(loaded!.family, loaded!.children, referrals));
    expect(fromPage).toEqual(plain(await loadQualityDataset(t.db, { familyId: f.familyId })));
    expect(fromPage.referrals).toHaveLength(2);
    expect(fromPage.children).toHaveLength(3);
  });
});
