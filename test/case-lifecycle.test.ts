import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, dateFields, postForm, signIn, type Agent, type TestApp } from './support/app.js';
import { addMonths, todayIso } from '../server/common/dates.js';

let t: TestApp;
let coordinator: Agent;
let manager: Agent;
const db = () => t.testDb.db;

beforeAll(async () => {
  t = await createTestApp();
  coordinator = await signIn(t.app, t.users.coordinator.email);
  manager = await signIn(t.app, t.users.manager.email);
});
afterAll(() => t.close());

const idFrom = (location: string) => Number(location.split('/').pop());
const versionOf = async (id: number) => (await db()('referrals').where({ id }).first()).version;

describe('a two-child family: one child not known to CSC, one unborn', () => {
  let familyId: number;
  let referralId: number;
  let olderId: number;
  let unbornId: number;
  const due = addMonths(todayIso(), 4);

  it('creates the family with a child who has no CMS id', async () => {
    const res = await postForm(coordinator, '/families', {
      family_ref: 'FAM-LIFE', first_name: 'Alex', last_name: 'Rivera', cms_id: '', ...dateFields('date_of_birth', '2019-06-15'),
      ...dateFields('expected_date_of_birth', null), sex: 'F', ethnicity: 'WBRI', disabilities: ['NONE'], disability_self_reported: 'no',
    });
    expect(res.status).toBe(302);
    familyId = idFrom(res.headers.location);
    const child = await db()('children').where({ family_id: familyId }).first();
    expect(child).toMatchObject({ cms_id: null, date_of_birth: '2019-06-15', sex: 'F', ethnicity: 'WBRI' });
    olderId = child.id;
    expect(await db()('child_disabilities').where({ child_id: olderId })).toEqual([{ child_id: olderId, code: 'NONE' }]);
  });

  it('adds an unborn child with an expected date of delivery', async () => {
    const res = await postForm(coordinator, `/families/${familyId}/children`, {
      first_name: '', last_name: 'Rivera', ...dateFields('date_of_birth', null), ...dateFields('expected_date_of_birth', due), sex: 'U', cms_id: 'CMS1234567',
    });
    expect(res.status).toBe(302);
    const unborn = await db()('children').where({ family_id: familyId, sex: 'U' }).first();
    expect(unborn).toMatchObject({ date_of_birth: null, expected_date_of_birth: due, first_name: null });
    unbornId = unborn.id;
    const page = await coordinator.get(`/families/${familyId}`);
    expect(page.text).toContain('Unborn, due');
    expect(page.text).toContain("Not known to children&#39;s social care");
  });

  it('refuses a date of birth that is not real or not complete (a child with no date at all saves with a query: see quality.test.ts)', async () => {
    const before = await db()('children').count({ n: '*' }).first();
    const bad = await postForm(coordinator, `/families/${familyId}/children`, { last_name: 'Rivera', 'date_of_birth-day': '31', 'date_of_birth-month': '2', 'date_of_birth-year': '2020' });
    expect(bad.text).toContain('Date of birth must be a real date');
    const partial = await postForm(coordinator, `/families/${familyId}/children`, { last_name: 'Rivera', 'date_of_birth-day': '3', 'date_of_birth-year': '2020' });
    expect(partial.text).toContain('Date of birth must include a month');
    expect(partial.text).toContain('value="3"'); // what was typed is kept
    const after = await db()('children').count({ n: '*' }).first();
    expect(Number(after!.n)).toBe(Number(before!.n));
  });

  it('creates a referral covering both children; the non-CMS child is recorded as not known to CSC', async () => {
    const res = await postForm(coordinator, `/families/${familyId}/referrals`, {
      children: [String(olderId), String(unbornId)], [`legal_status_${olderId}`]: '', [`legal_status_${unbornId}`]: 'PLO',
      ...dateFields('referral_date', '2025-09-01'), referral_source: 'LEGAL', stage_offered: 'PLO', coordinator_id: String(t.users.coordinator.id),
      ...dateFields('lbp_date', '2025-08-28'),
    });
    expect(res.status).toBe(302);
    referralId = idFrom(res.headers.location);
    const links = await db()('referral_children').where({ referral_id: referralId }).orderBy('child_id');
    expect(links.map((l) => [l.child_id, l.legal_status])).toEqual([[olderId, 'NKCSC'], [unbornId, 'PLO']]);
    const page = await coordinator.get(`/referrals/${referralId}`);
    expect(page.text).toContain('Next step: Record the FGC offer');
  });

  it('refuses an offer before the referral date, with a clear message, and saves nothing', async () => {
    const res = await postForm(coordinator, `/referrals/${referralId}/stages/offer`, { version: await versionOf(referralId), ...dateFields('offer_date', '2025-08-01') });
    expect(res.status).toBe(400);
    expect(res.text).toContain('The offer date cannot be before the referral date. It must be the same as or after 1 September 2025');
    expect((await db()('referrals').where({ id: referralId }).first()).offer_date).toBeNull();
  });

  it('refuses a conference before consent is given', async () => {
    const res = await postForm(coordinator, `/referrals/${referralId}/stages/conference`, { version: await versionOf(referralId), ...dateFields('initial_fgc_date', '2025-09-20') });
    expect(res.status).toBe(400);
    expect(res.text).toContain('A conference cannot be recorded as held until consent has been given');
  });

  it('refuses a plan before a conference is held', async () => {
    const res = await postForm(coordinator, `/referrals/${referralId}/stages/plan`, { version: await versionOf(referralId), plan_agreed: 'yes', ...dateFields('plan_date', '2025-09-25') });
    expect(res.status).toBe(400);
    expect(res.text).toContain('A plan can only be recorded after the initial conference has been held');
  });

  it('records offer, consent, conference, plan, review, closure and outcomes in order', async () => {
    const steps: [string, Record<string, unknown>][] = [
      ['offer', { ...dateFields('offer_date', '2025-09-03'), offered_by: 'Social worker', offer_method: 'Letter before proceedings' }],
      ['consent', { consent_decision: 'GIVEN', ...dateFields('consent_date', '2025-09-10') }],
      ['conference', { ...dateFields('initial_fgc_date', '2025-10-01'), attend_parents: '2', attend_maternal: '3', attend_paternal: '1', attend_friends: '0', attend_professionals: '2', child_participation: 'ADVOCATE', advocate_used: 'yes', interpreter_used: 'no', private_family_time: 'yes' }],
      ['plan', { plan_agreed: 'yes', ...dateFields('plan_date', '2025-10-01'), plan_content: ['REMAIN', 'SAFETY'], ...dateFields('plan_sent_date', '2025-10-06') }],
    ];
    for (const [stage, body] of steps) {
      const res = await postForm(coordinator, `/referrals/${referralId}/stages/${stage}`, { version: await versionOf(referralId), ...body });
      expect(res.status, `${stage}: ${res.text.match(/govuk-error-summary__list[\s\S]*?<\/ul>/)?.[0]}`).toBe(302);
    }
    let page = await coordinator.get(`/referrals/${referralId}`);
    // the conference was over 6 months before today, so the 6-month outcome is what is due
    expect(page.text).toContain('Next step: Record the 6-month outcome by 1 April 2026, and the 12-month outcome by 1 October 2026');
    const review = await postForm(coordinator, `/referrals/${referralId}/reviews`, { version: await versionOf(referralId), ...dateFields('review_date', '2026-01-05'), plan_working: 'yes' });
    expect(review.status).toBe(302);
    const outcomes = await postForm(coordinator, `/referrals/${referralId}/outcomes`, {
      version: await versionOf(referralId),
      [`outcome_6m_legal_status_${olderId}`]: 'CIN', [`outcome_6m_living_${olderId}`]: 'PARENTS',
      [`outcome_6m_legal_status_${unbornId}`]: 'CP', [`outcome_6m_living_${unbornId}`]: 'KININF',
    });
    expect(outcomes.status).toBe(302);
    const closure = await postForm(coordinator, `/referrals/${referralId}/stages/closure`, { version: await versionOf(referralId), ...dateFields('closure_date', '2026-02-01'), family_feedback: 'It helped <b>us</b>' });
    expect(closure.status).toBe(302);

    const r = await db()('referrals').where({ id: referralId }).first();
    expect(r).toMatchObject({ offer_date: '2025-09-03', consent_decision: 'GIVEN', initial_fgc_date: '2025-10-01', attend_maternal: 3, plan_date: '2025-10-01', closure_date: '2026-02-01' });
    expect(!!r.plan_agreed).toBe(true);
    expect((await db()('referral_plan_content').where({ referral_id: referralId }).orderBy('code')).map((x) => x.code)).toEqual(['REMAIN', 'SAFETY']);
    expect((await db()('review_conferences').where({ referral_id: referralId })).map((x) => x.review_date)).toEqual(['2026-01-05']);
    const older = await db()('referral_children').where({ referral_id: referralId, child_id: olderId }).first();
    expect(older).toMatchObject({ outcome_6m_legal_status: 'CIN', outcome_6m_living: 'PARENTS', outcome_12m_living: null });
    page = await coordinator.get(`/referrals/${referralId}`);
    expect(page.text).toContain('It helped &lt;b&gt;us&lt;/b&gt;'); // escaped on output
    const family = await coordinator.get(`/families/${familyId}`);
    expect(family.text).toContain('Initial conference held 1 October 2025');
    expect(family.text).toContain('Closed 1 February 2026');
  });

  it('wrote an audit row for every change: who, when, field, old and new', async () => {
    const rows = await db()('audit_log').where({ referral_id: referralId });
    const field = (f: string) => rows.filter((r) => r.field === f);
    expect(field('offer_date')).toHaveLength(1);
    expect(field('offer_date')[0]).toMatchObject({ user_id: t.users.coordinator.id, entity: 'referral', action: 'update', old_value: null, new_value: '2025-09-03' });
    expect(field('consent_decision')[0].new_value).toBe('GIVEN');
    expect(field('plan_content')[0].new_value).toBe('REMAIN;SAFETY');
    expect(rows.some((r) => r.entity === 'review' && r.field === 'review_date' && r.new_value === '2026-01-05')).toBe(true);
    expect(rows.some((r) => r.entity === 'referral_child' && r.child_id === unbornId && r.field === 'outcome_6m_living' && r.new_value === 'KININF')).toBe(true);
    expect(rows.every((r) => /^\d{4}-\d{2}-\d{2}T/.test(r.at))).toBe(true);
    const history = await manager.get(`/referrals/${referralId}/history`);
    expect(history.text).toContain('Date the FGC was offered to parents or carers');
    expect(history.text).toContain('3 September 2025');
    expect(history.text).toContain('Test coordinator');
    const childHistory = await coordinator.get(`/children/${olderId}/history`);
    expect(childHistory.text).toContain('Not known to children&#39;s social care');
    expect(childHistory.text).not.toContain('NKCSC');
  });

  it('refuses the second of two concurrent edits instead of overwriting', async () => {
    const version = await versionOf(referralId);
    const first = await postForm(coordinator, `/referrals/${referralId}/stages/offer`, { version, ...dateFields('offer_date', '2025-09-04'), offered_by: 'Coordinator' });
    expect(first.status).toBe(302);
    const second = await postForm(manager, `/referrals/${referralId}/stages/offer`, { version, ...dateFields('offer_date', '2025-09-05'), offered_by: 'Manager' });
    expect(second.status).toBe(409);
    expect(second.text).toContain('Someone else changed this record while you were editing it');
    const r = await db()('referrals').where({ id: referralId }).first();
    expect(r).toMatchObject({ offer_date: '2025-09-04', offered_by: 'Coordinator', version: version + 1 });
    // the same for a child
    const child = await db()('children').where({ id: olderId }).first();
    const body = { first_name: 'Alex', last_name: 'Rivera', ...dateFields('date_of_birth', '2019-06-15'), ...dateFields('expected_date_of_birth', null), sex: 'F', version: child.version };
    expect((await postForm(coordinator, `/children/${olderId}`, { ...body, ethnicity: 'WIRI' })).status).toBe(302);
    const stale = await postForm(manager, `/children/${olderId}`, { ...body, ethnicity: 'MOTH' });
    expect(stale.status).toBe(409);
    expect((await db()('children').where({ id: olderId }).first()).ethnicity).toBe('WIRI');
  });

  it('finds the case by family reference, child name and CMS id', async () => {
    for (const q of ['FAM-LIFE', 'alex rivera', 'Rivera Alex', 'cms1234567']) {
      const res = await coordinator.get(`/cases?q=${encodeURIComponent(q)}`);
      expect(res.text, q).toContain('FAM-LIFE');
    }
    const none = await coordinator.get('/cases?q=' + encodeURIComponent("%' or 1=1 --"));
    expect(none.text).toContain('No FGC referrals match');
    const closed = await coordinator.get('/cases?status=open');
    expect(closed.text).not.toContain('FAM-LIFE');
  });
});

describe('siblings on different referrals', () => {
  it('lets a referral cover only some of the family', async () => {
    const fam = await postForm(coordinator, '/families', { last_name: 'Okafor', first_name: 'Ben', ...dateFields('date_of_birth', '2015-01-01') });
    const familyId = idFrom(fam.headers.location);
    await postForm(coordinator, `/families/${familyId}/children`, { last_name: 'Okafor', first_name: 'Cara', ...dateFields('date_of_birth', '2017-01-01') });
    const kids = await db()('children').where({ family_id: familyId }).orderBy('id');
    const r1 = await postForm(coordinator, `/families/${familyId}/referrals`, { children: [String(kids[0].id)], ...dateFields('referral_date', '2025-05-01') });
    const r2 = await postForm(coordinator, `/families/${familyId}/referrals`, { children: [String(kids[1].id)], ...dateFields('referral_date', '2025-07-01') });
    expect(r1.status).toBe(302);
    expect(r2.status).toBe(302);
    const none = await postForm(coordinator, `/families/${familyId}/referrals`, { ...dateFields('referral_date', '2025-07-01') });
    expect(none.status).toBe(400);
    expect(none.text).toContain('Select at least one child this referral covers');
    const page = await coordinator.get(`/families/${familyId}`);
    expect(page.text.match(/app-timeline__item/g)).toHaveLength(2);
  });
});
