import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, type TestDb } from '../../test/support/db.js';
import { loadDemoData, type LoadDemoResult } from '../demo/load.js';
import { mergeChildren } from '../duplicates/merge.js';
import { financialYear, inRange } from '../common/dates.js';
import { loadCaseData } from './return-data.js';
import { buildReturn } from './return-service.js';
import { loadQualityDataset, qualityDatasetOf } from '../quality/report-data.js';
import { seedFamily } from '../../test/support/cases.js';
import { qualityTableRows, runQuality } from '../quality/report.js';

// The year's case data is read once and serves both the return's counting and its Data
// quality sheet. Checked here against plain reads of whole tables, on a demo world with
// duplicates, deliberate problems and merged children.

const TODAY = '2026-03-15';
const YEARS = [2021, 2024];
let t: TestDb;
let demo: LoadDemoResult;
const db = () => t.db;

beforeAll(async () => {
  t = await createTestDb();
  demo = await loadDemoData(t.db, { referrals: 600, seed: 11, today: TODAY, problemRate: 0.03, duplicateRate: 0.03 });
  const childId = async (ref: string) => Number((await db()('children').where({ child_ref: ref }).first('id')).id);
  // Duplicates whose second record is on a 2024-25 referral and whose first is on none.
  const onYear = new Set((await loadCaseData(db(), financialYear(2024))).referrals.flatMap((r) => r.children.map((l) => l.child_id)));
  const pairs: { dup: number; first: number }[] = [];
  for (const p of demo.duplicates) pairs.push({ dup: await childId(p.duplicate_ref), first: await childId(p.child_ref) });
  const [a, b, ...others] = [...pairs.filter((p) => onYear.has(p.dup) && !onYear.has(p.first)), ...pairs.filter((p) => !onYear.has(p.dup) || onYear.has(p.first))];
  // Two left on their referrals but marked merged, the second in a chain, so loading must
  // follow merged_into_id to a record that is on no referral of the year...
  await db()('children').where({ id: a.dup }).update({ merged_into_id: a.first });
  await db()('children').where({ id: a.first }).update({ ethnicity: null }); // a problem the year's run must not report (not on its referrals)
  await db()('children').where({ id: b.dup }).update({ merged_into_id: a.dup });
  // ...and others merged the way the app merges (links move to the survivor).
  for (const p of others.slice(0, 4)) {
    const version = (await db()('children').where({ id: p.dup }).first('version')).version;
    await db().transaction((trx) => mergeChildren(trx, { userId: null }, p.dup, p.first, version));
  }
}, 120_000);
afterAll(() => t?.destroy());

const bool = (v: unknown) => (v === null || v === undefined ? null : !!v);
const num = (v: unknown) => (v === null || v === undefined ? null : Number(v));

/** The year's case data the slow, obvious way: whole tables, filtered and joined in memory. */
async function plainCaseData(period: { from: string; to: string }) {
  const [referrals, links, reviews, content, children, disabilities, families] = await Promise.all(
    ['referrals', 'referral_children', 'review_conferences', 'referral_plan_content', 'children', 'child_disabilities', 'families'].map((n) => db()(n).select('*')),
  );
  const familyRef = new Map(families.map((f) => [Number(f.id), f.family_ref]));
  const reviewed = new Set(reviews.filter((r) => inRange(r.review_date, period)).map((r) => Number(r.referral_id)));
  const active = referrals.filter((r) =>
    ['referral_date', 'offer_date', 'consent_date', 'initial_fgc_date', 'closure_date'].some((c) => inRange(r[c], period)) || reviewed.has(Number(r.id)));
  const childById = new Map(children.map((c) => [Number(c.id), c]));
  const wanted = new Set<number>();
  const want = (id: number) => {
    for (let c = childById.get(id); c && !wanted.has(Number(c.id)); c = c.merged_into_id ? childById.get(Number(c.merged_into_id)) : undefined) wanted.add(Number(c.id));
  };
  const out = active.map((r) => {
    const mine = links.filter((l) => Number(l.referral_id) === Number(r.id));
    mine.forEach((l) => want(Number(l.child_id)));
    return {
      id: Number(r.id), family_ref: familyRef.get(Number(r.family_id)), referral_date: r.referral_date, consent_decision: r.consent_decision,
      closure_date: r.closure_date, attend_parents: num(r.attend_parents), plan_agreed: bool(r.plan_agreed), advocate_used: bool(r.advocate_used),
      children: mine.map((l) => ({ child_id: Number(l.child_id), legal_status: l.legal_status, outcome_12m_living: l.outcome_12m_living }))
        .sort((x, y) => x.child_id - y.child_id),
      plan_content: content.filter((c) => Number(c.referral_id) === Number(r.id)).map((c) => c.code).sort(),
      review_dates: reviews.filter((v) => Number(v.referral_id) === Number(r.id)).map((v) => v.review_date).sort(),
    };
  });
  const kids = [...wanted].map((id) => {
    const c = childById.get(id);
    return {
      id, family_ref: familyRef.get(Number(c.family_id)), cms_id: c.cms_id, date_of_birth: c.date_of_birth, sex: c.sex, ethnicity: c.ethnicity,
      merged_into_id: num(c.merged_into_id), disability_self_reported: bool(c.disability_self_reported), first_name: null, last_name: null,
      disabilities: disabilities.filter((d) => Number(d.child_id) === id).map((d) => d.code).sort(),
    };
  });
  return { referrals: out.sort((x, y) => x.id - y.id), children: kids.sort((x, y) => x.id - y.id) };
}

describe('the year’s case data', () => {
  it('is what whole tables say, survivors of merged children included', async () => {
    for (const year of YEARS) {
      const period = financialYear(year);
      const expected = await plainCaseData(period);
      const loaded = await loadCaseData(db(), period);
      const pick = <T extends object>(o: T, keys: string[]) => Object.fromEntries(keys.map((k) => [k, (o as Record<string, unknown>)[k]]));
      const referralKeys = Object.keys(expected.referrals[0]);
      expect(loaded.referrals.map((r) => pick({ ...r, children: [...r.children].sort((x, y) => x.child_id - y.child_id).map((l) => pick(l, ['child_id', 'legal_status', 'outcome_12m_living'])), plan_content: [...r.plan_content].sort() }, referralKeys)), String(year))
        .toEqual(expected.referrals);
      const childKeys = Object.keys(expected.children[0]);
      expect([...loaded.children].sort((x, y) => x.id - y.id).map((c) => pick({ ...c, disabilities: [...c.disabilities].sort() }, childKeys)), String(year))
        .toEqual(expected.children);
      // the world exercises what the loader has to get right
      expect(loaded.referrals.some((r) => r.review_dates.length > 1 && r.plan_content.length > 0)).toBe(true);
      const onReferrals = new Set(loaded.referrals.flatMap((r) => r.children.map((l) => l.child_id)));
      if (year === 2024) expect(loaded.children.filter((c) => !onReferrals.has(c.id) || c.merged_into_id).length).toBeGreaterThanOrEqual(3);
    }
  });
});

describe('the year’s data-quality run from the same rows', () => {
  it('finds exactly what a run loading its own rows finds', async () => {
    const rules = new Set<string>();
    for (const year of YEARS) {
      const period = financialYear(year);
      const own = await runQuality(db(), { period, today: TODAY });
      const shared = await runQuality(db(), { period, today: TODAY, data: qualityDatasetOf(await loadCaseData(db(), period)) });
      expect(shared, String(year)).toEqual(own);
      for (const i of own.issues) rules.add(i.rule);
    }
    // rules on referrals, on children, and across children (one reads children of the referral, one looks outside the year)
    for (const rule of ['declined-without-reason', 'ethnicity-not-obtained', 'adult-at-referral', 'duplicate-cms-id']) expect(rules.has(rule), rule).toBe(true);
  });

  it('is the return’s Data quality sheet', async () => {
    const built = await buildReturn(db(), 2024);
    expect(built.ctx.quality).toEqual(qualityTableRows(await runQuality(db(), { period: financialYear(2024) })));
    expect(built.ctx.quality.length).toBeGreaterThan(2);
  });

  it('needs the period its rows are for', async () => {
    await expect(runQuality(db(), { data: { referrals: [], children: [] } })).rejects.toThrow(/period/);
  });
});

describe('the data-quality rows of one family', () => {
  it('are the whole database’s rows for that family, children with no referral included', async () => {
    const lonely = await seedFamily(db(), 'LONELY', [{ cms_id: 'L1' }, { cms_id: 'L2' }]);
    const all = await loadQualityDataset(db());
    expect(all.children.length).toBeGreaterThan(all.referrals.length);
    const merged = all.children.find((c) => c.merged_into_id)!.family_id;
    for (const familyId of [all.referrals[0].family_id, all.referrals.at(-1)!.family_id, merged, lonely.familyId]) {
      const mine = await loadQualityDataset(db(), { familyId });
      expect(mine, String(familyId)).toEqual({
        referrals: all.referrals.filter((r) => r.family_id === familyId),
        children: all.children.filter((c) => c.family_id === familyId),
      });
      expect(mine.children.length).toBeGreaterThan(0);
    }
  });
});
