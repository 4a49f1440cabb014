import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import ExcelJS from 'exceljs';
import { createTestApp, dateFields, postForm, signIn, type Agent, type TestApp } from './support/app.js';
import { seedFamily, seedReferral } from './support/cases.js';
import { runQuality } from '../server/quality/report.js';
import { qualityTableRows } from '../server/quality/report.js';
import { buildReturn } from '../server/annual-return/return-service.js';
import { financialYear, todayIso } from '../server/common/dates.js';

let t: TestApp;
let manager: Agent;
let coordinator: Agent;
const db = () => t.testDb.db;
const ids: Record<string, number> = {};
const TODAY = '2025-06-01';

// Family Q: one child with no ethnicity on a referral declined with no reason (an error
// only an import could leave) and one with no legal status; a second referral in 2023-24
// with a plan agreed and no plan date. Family D: two children sharing a CMS id.
beforeAll(async () => {
  t = await createTestApp();
  manager = await signIn(t.app, t.users.manager.email);
  coordinator = await signIn(t.app, t.users.coordinator.email);
  const q = await seedFamily(db(), 'Q', [
    { first_name: 'Ann', date_of_birth: '2015-05-01', ethnicity: null, cms_id: '1000001' },
    { first_name: 'Ben', date_of_birth: '2016-05-01', ethnicity: 'WBRI', cms_id: '1000002' },
  ]);
  ids.ann = q.childIds[0];
  ids.ben = q.childIds[1];
  ids.q = q.familyId;
  ids.declined = await seedReferral(db(), q.familyId, [{ child_id: ids.ann, legal_status: 'CP' }, { child_id: ids.ben }], {
    referral_date: '2024-05-01', offer_date: '2024-05-02', consent_decision: 'DECLINED', consent_date: '2024-05-10', closure_date: '2024-05-20',
  });
  ids.noPlanDate = await seedReferral(db(), q.familyId, [{ child_id: ids.ben, legal_status: 'CIN' }], {
    referral_date: '2023-06-01', offer_date: '2023-06-02', consent_decision: 'GIVEN', consent_date: '2023-06-05', initial_fgc_date: '2023-07-01',
    plan_agreed: true, closure_date: '2023-09-01',
  });
  const d = await seedFamily(db(), 'D', [
    { first_name: 'Cy', date_of_birth: '2012-01-01', ethnicity: 'AIND', cms_id: '2000001' },
    { first_name: 'Cyrus', date_of_birth: '2012-01-02', ethnicity: 'AIND', cms_id: '2000001' },
  ]);
  ids.d = d.familyId;
  ids.cy = d.childIds[0];
});
afterAll(() => t.close());

describe('runQuality', () => {
  it('finds every issue across the whole database, with the record and field it is on', async () => {
    const report = await runQuality(db(), { today: TODAY });
    const by = (rule: string) => report.issues.filter((i) => i.rule === rule);
    expect(by('declined-without-reason')).toEqual([expect.objectContaining({
      severity: 'query', family_ref: 'Q', referral_id: ids.declined, child_id: null, field: 'decline_reason',
      message: 'Consent was declined but no reason is recorded: record the reason if the family gave one',
    })]);
    expect(by('plan-without-date').map((i) => i.referral_id)).toEqual([ids.noPlanDate]);
    expect(by('no-legal-status')).toEqual([expect.objectContaining({ referral_id: ids.declined, child_id: ids.ben, child_ref: expect.stringMatching(/^C/), field: 'legal_status' })]);
    expect(by('ethnicity-not-obtained')).toEqual([expect.objectContaining({ child_id: ids.ann, referral_id: null, family_id: ids.q, field: 'ethnicity' })]);
    expect(by('duplicate-cms-id')).toHaveLength(2);
    const count = (rule: string) => report.counts.find((c) => c.rule === rule)!.count;
    expect(count('duplicate-cms-id')).toBe(2);
    expect(count('stage-order')).toBe(0);
    expect(report.counts).toHaveLength(16);
  });

  it('limits a period to referrals with a step in it and the children on them', async () => {
    const report = await runQuality(db(), { period: financialYear(2024), today: TODAY });
    const rules = new Set(report.issues.map((i) => i.rule));
    expect(rules.has('declined-without-reason')).toBe(true);
    expect(rules.has('plan-without-date')).toBe(false); // 2023-24
    expect(rules.has('duplicate-cms-id')).toBe(false); // family D has no referral
    expect((await runQuality(db(), { period: financialYear(2023), today: TODAY })).issues.map((i) => i.rule)).toContain('plan-without-date');
  });

  it('is the annual return’s Data quality sheet', async () => {
    const built = await buildReturn(db(), 2024);
    const report = await runQuality(db(), { period: financialYear(2024) });
    expect(built.ctx.quality).toEqual(qualityTableRows(report));
    expect(built.ctx.quality).toContainEqual({ code: 'declined-without-reason', label: 'Declined with no reason (query)', count: 1 });
  });
});

describe('the quality report pages', () => {
  it('shows counts by rule and severity for the whole database or a year', async () => {
    const res = await manager.get('/quality');
    expect(res.status).toBe(200);
    expect(res.text).toContain('Declined with no reason');
    expect(res.text).toMatch(/href="\/quality\/duplicate-cms-id\?period=all">2</);
    const year = await manager.get('/quality?period=2024');
    expect(year.text).toContain('Financial year 2024-25');
    expect(year.text).not.toContain('href="/quality/duplicate-cms-id');
  });

  it('lists the records behind a count, each with a link to fix it', async () => {
    const res = await manager.get('/quality/declined-without-reason?period=all');
    expect(res.status).toBe(200);
    expect(res.text).toContain(`href="/referrals/${ids.declined}/stages/consent#decline_reason"`);
    const dup = await manager.get('/quality/duplicate-cms-id');
    expect(dup.text).toContain(`href="/children/${ids.cy}/merge"`);
    expect((await manager.get('/quality/no-such-rule')).status).toBe(404);
  });

  it('downloads the full report, one row per issue, and audits the export', async () => {
    const res = await manager.get('/quality/report.xlsx').buffer(true).parse((r, cb) => {
      const chunks: Buffer[] = [];
      r.on('data', (c: Buffer) => chunks.push(c));
      r.on('end', () => cb(null, Buffer.concat(chunks)));
    });
    expect(res.status).toBe(200);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(res.body);
    const ws = wb.getWorksheet('Data quality')!;
    expect((ws.getRow(1).values as unknown[]).slice(1)).toEqual(['Rule', 'Rule code', 'Severity', 'Message', 'Family', 'Referral', 'Child', 'Field']);
    const report = await runQuality(db());
    expect(ws.rowCount).toBe(report.issues.length + 1);
    const rows = [...Array(ws.rowCount - 1)].map((_, i) => (ws.getRow(i + 2).values as unknown[]).slice(1));
    expect(rows).toContainEqual(['Declined with no reason', 'declined-without-reason', 'query', 'Consent was declined but no reason is recorded: record the reason if the family gave one', 'Q',
      expect.stringMatching(/^R/), '', 'Reason consent was not given']);
    expect(await db()('audit_log').where({ action: 'export', entity: 'quality-report' }).first()).toBeTruthy();
  });

  it('is for managers and data leads only', async () => {
    expect((await coordinator.get('/quality')).status).toBe(403);
  });
});

describe('rules when a record is saved', () => {
  it('refuses a CMS id in the wrong format, with a GOV.UK error on the field', async () => {
    await db()('service_settings').insert({ key: 'cms_id_pattern', value: '^[0-9]{7}$' }).onConflict('key').merge();
    const res = await postForm(coordinator, `/families/${ids.q}/children`, {
      first_name: 'Dot', last_name: 'Test', cms_id: 'AB12', ...dateFields('date_of_birth', '2019-01-01'), ethnicity: 'WBRI',
    });
    expect(res.status).toBe(400);
    expect(res.text).toContain('<title>Error:');
    expect(res.text).toContain('href="#cms_id"');
    expect(res.text).toContain("Case management system ID is not in your council&#39;s format");
    expect(res.text).toContain('value="AB12"'); // what was typed is kept
    await db()('service_settings').where({ key: 'cms_id_pattern' }).delete();
  });

  it('saves a child with neither date of birth nor expected date, with a query (nobody is made to invent one)', async () => {
    const res = await postForm(coordinator, `/families/${ids.q}/children`, { first_name: 'Nod', last_name: 'Test', ...dateFields('date_of_birth', null), ethnicity: 'WBRI' });
    expect(res.status).toBe(302);
    const page = await coordinator.get(`/families/${ids.q}`);
    expect(page.text).toMatch(/Nod Test: Enter the date of birth, or the expected date of delivery for an unborn child/);
  });

  it('saves a record with a query and shows the query on the family page', async () => {
    const res = await postForm(coordinator, `/families/${ids.q}/children`, {
      first_name: 'Eve', last_name: 'Quinn', cms_id: '', ...dateFields('date_of_birth', '2020-02-02'), ethnicity: 'NOBT',
    });
    expect(res.status).toBe(302);
    const page = await coordinator.get(`/families/${ids.q}`);
    expect(page.text).toContain('govuk-notification-banner');
    expect(page.text).toMatch(/Eve Quinn: Record the child&#39;s ethnicity/);
  });

  it('shows a referral’s queries on the referral page, and still blocks stage errors', async () => {
    const page = await coordinator.get(`/referrals/${ids.declined}`);
    expect(page.text).toContain("Select the child&#39;s legal status at referral");
    expect(page.text).toContain(`/referrals/${ids.declined}/children`);
    const r = await db()('referrals').where({ id: ids.declined }).first();
    // a consent decision before the offer (2 May 2024) is a slip the coordinator can fix: refused
    const early = await postForm(coordinator, `/referrals/${ids.declined}/stages/consent`, {
      version: r.version, consent_decision: 'DECLINED', ...dateFields('consent_date', '2024-05-01'), decline_reason: '',
    });
    expect(early.status).toBe(400);
    expect(early.text).toContain('href="#consent_date"');
    expect((await db()('referrals').where({ id: ids.declined }).first()).version).toBe(r.version);
  });

  it('saves a decline with no reason, with a query; no response needs no reason at all', async () => {
    const r = await db()('referrals').where({ id: ids.declined }).first();
    const res = await postForm(coordinator, `/referrals/${ids.declined}/stages/consent`, {
      version: r.version, consent_decision: 'DECLINED', ...dateFields('consent_date', '2024-05-11'), decline_reason: '',
    });
    expect(res.status).toBe(302);
    expect((await db()('referrals').where({ id: ids.declined }).first()).consent_date).toBe('2024-05-11');
    const page = await coordinator.get(`/referrals/${ids.declined}`);
    expect(page.text).toContain('Consent was declined but no reason is recorded');
    const again = await db()('referrals').where({ id: ids.declined }).first();
    const noReply = await postForm(coordinator, `/referrals/${ids.declined}/stages/consent`, {
      version: again.version, consent_decision: 'NORESP', ...dateFields('consent_date', '2024-05-10'), decline_reason: '',
    });
    expect(noReply.status).toBe(302);
    expect((await coordinator.get(`/referrals/${ids.declined}`)).text).not.toContain('no reason is recorded');
    const back = await db()('referrals').where({ id: ids.declined }).first();
    await postForm(coordinator, `/referrals/${ids.declined}/stages/consent`, {
      version: back.version, consent_decision: 'DECLINED', ...dateFields('consent_date', '2024-05-10'), decline_reason: '',
    });
  });

  it('lets a coordinator record the next stage of an imported episode that already has an error elsewhere, and still refuses new ones', async () => {
    const f = await seedFamily(db(), 'IMP', [{ first_name: 'Ivy', date_of_birth: '2016-01-01', ethnicity: 'WBRI', cms_id: '3000001' }]);
    // as an import may leave it: the offer dated before the referral
    const id = await seedReferral(db(), f.familyId, [{ child_id: f.childIds[0], legal_status: 'CP' }], { referral_date: '2024-06-10', offer_date: '2024-06-01' });
    const r = await db()('referrals').where({ id }).first();
    const ok = await postForm(coordinator, `/referrals/${id}/stages/consent`, {
      version: r.version, consent_decision: 'GIVEN', ...dateFields('consent_date', '2024-06-12'), decline_reason: '',
    });
    expect(ok.status).toBe(302);
    expect((await db()('referrals').where({ id }).first()).consent_decision).toBe('GIVEN');
    // the old error stays on its own form, which refuses it until it is put right
    const r2 = await db()('referrals').where({ id }).first();
    const offer = await postForm(coordinator, `/referrals/${id}/stages/offer`, { version: r2.version, ...dateFields('offer_date', '2024-06-01') });
    expect(offer.status).toBe(400);
    expect(offer.text).toContain('href="#offer_date"');
    // and a save that brings about a new error on another form's field is refused: with a
    // conference held, consent cannot become declined
    const held = await postForm(coordinator, `/referrals/${id}/stages/conference`, { version: r2.version, ...dateFields('initial_fgc_date', '2024-06-20') });
    expect(held.status).toBe(302);
    const r3 = await db()('referrals').where({ id }).first();
    const declined = await postForm(coordinator, `/referrals/${id}/stages/consent`, {
      version: r3.version, consent_decision: 'DECLINED', ...dateFields('consent_date', '2024-06-12'), decline_reason: 'NOHELP',
    });
    expect(declined.status).toBe(400);
    expect(declined.text).toContain('A conference cannot be recorded as held until consent has been given');
    expect((await db()('referrals').where({ id }).first()).consent_decision).toBe('GIVEN');
  });

  it('links a child first recorded without a CMS id to one later: audited, and the duplicate check runs', async () => {
    const child = await db()('children').where({ first_name: 'Eve' }).first();
    const res = await postForm(coordinator, `/children/${child.id}`, {
      version: child.version, first_name: 'Eve', last_name: 'Quinn', cms_id: '2000001', ...dateFields('date_of_birth', '2020-02-02'), ethnicity: 'WBRI',
    });
    expect(res.status).toBe(302);
    expect(await db()('audit_log').where({ entity: 'child', entity_id: child.id, field: 'cms_id' }).first())
      .toMatchObject({ action: 'update', old_value: null, new_value: '2000001', user_id: t.users.coordinator.id });
    const page = await coordinator.get(`/families/${ids.q}`);
    expect(page.text).toMatch(/Eve Quinn: The same case management system ID is on C\d+, C\d+: if they are the same child, merge the records/);
    const report = await runQuality(db(), { rules: ['duplicate-cms-id'] });
    expect(report.issues.map((i) => i.child_id)).toContain(child.id);
  });
});

describe('today', () => {
  it('defaults to the real date', async () => {
    expect((await runQuality(db(), { rules: ['no-birth-date'] })).today).toBe(todayIso());
  });
});
