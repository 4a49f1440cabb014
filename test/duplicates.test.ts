import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, csrfFrom, dateFields, postForm, signIn, type Agent, type TestApp } from './support/app.js';
import { seedFamily, seedReferral } from './support/cases.js';
import { buildReturn } from '../server/annual-return/return-service.js';
import { runQuality } from '../server/quality/report.js';

let t: TestApp;
let coordinator: Agent;
let admin: Agent;
const db = () => t.testDb.db;

beforeAll(async () => {
  t = await createTestApp();
  coordinator = await signIn(t.app, t.users.coordinator.email);
  admin = await signIn(t.app, t.users.admin.email);
});
afterAll(() => t.close());

const childCount = async () => Number((await db()('children').count({ n: '*' }).first())!.n);

describe('possible duplicates before a child is added', () => {
  let familyId: number;
  beforeAll(async () => {
    ({ familyId } = await seedFamily(db(), 'DUP', [{ first_name: 'Muhammad', last_name: 'Khan', date_of_birth: '2017-03-04', cms_id: '3000001', ethnicity: 'APKN' }]));
  });

  const typed = { first_name: 'Mohammed', last_name: 'Khan', cms_id: '', ...dateFields('date_of_birth', '2017-03-05'), sex: 'M', ethnicity: 'APKN', disabilities: ['LD', 'AUT'] };

  it('shows the children who may be the same child, and saves nothing yet', async () => {
    const before = await childCount();
    const res = await postForm(coordinator, `/families/${familyId}/children`, typed);
    expect(res.status).toBe(200);
    expect(res.text).toContain('These children may already be recorded');
    expect(res.text).toContain('Muhammad Khan');
    expect(res.text).toContain('Similar name and date of birth');
    expect(await childCount()).toBe(before);
    // Everything typed is carried, repeated values too.
    expect(res.text).toContain('name="first_name" value="Mohammed"');
    expect(res.text).toContain('name="disabilities" value="LD"');
    expect(res.text).toContain('name="disabilities" value="AUT"');
  });

  it('goes back to the form with everything typed', async () => {
    const res = await postForm(coordinator, `/families/${familyId}/children`, { ...typed, change_details: 'yes' });
    expect(res.status).toBe(200);
    expect(res.text).toContain('Add a child to the family');
    expect(res.text).toContain('value="Mohammed"');
    expect(res.text).toMatch(/value="AUT" checked/);
    expect(res.text).not.toContain('There is a problem');
  });

  it('saves anyway when the user says it is a different child', async () => {
    const before = await childCount();
    const res = await postForm(coordinator, `/families/${familyId}/children`, { ...typed, confirm_duplicates: 'yes' });
    expect(res.status).toBe(302);
    expect(await childCount()).toBe(before + 1);
    const saved = await db()('children').where({ first_name: 'Mohammed' }).first();
    expect(await db()('child_disabilities').where({ child_id: saved.id }).orderBy('code').pluck('code')).toEqual(['AUT', 'LD']);
  });

  it('finds the same CMS id and swapped names when a family is added', async () => {
    const res = await postForm(coordinator, '/families', {
      family_ref: 'DUP2', first_name: 'Khan', last_name: 'Muhammad', cms_id: '', ...dateFields('date_of_birth', '2017-03-04'),
    });
    expect(res.status).toBe(200);
    expect(res.text).toContain('First and last names swapped');
    expect(await db()('families').where({ family_ref: 'DUP2' }).first()).toBeUndefined();
    const cms = await postForm(coordinator, '/families', { family_ref: 'DUP3', first_name: 'Zed', last_name: 'Other', cms_id: '3000001', ...dateFields('date_of_birth', '2010-01-01') });
    expect(cms.text).toContain('Same case management system ID');
    const saved = await postForm(coordinator, '/families', { family_ref: 'DUP3', first_name: 'Zed', last_name: 'Other', cms_id: '3000001', ...dateFields('date_of_birth', '2010-01-01'), confirm_duplicates: 'yes' });
    expect(saved.status).toBe(302);
  });

  it('does not stop a child who matches no one', async () => {
    const res = await postForm(coordinator, `/families/${familyId}/children`, { first_name: 'Aisha', last_name: 'Khan', ...dateFields('date_of_birth', '2021-09-09'), ethnicity: 'APKN' });
    expect(res.status).toBe(302);
  });
});

describe('merging two records of one child, and undoing it', () => {
  // 2024-25. Family M: Jon (no CMS id) and John (CMS id) are one child, recorded twice;
  // both are on referral 1 (with their sister Sam), and Jon alone on referral 2.
  let familyId: number;
  let jon: number;
  let john: number;
  let sam: number;
  let r1: number;
  let r2: number;
  let linksBefore: unknown[];

  beforeAll(async () => {
    const m = await seedFamily(db(), 'M', [
      { first_name: 'Jon', last_name: 'Smith', date_of_birth: '2016-02-02', sex: 'M', ethnicity: 'WBRI' },
      { first_name: 'John', last_name: 'Smith', date_of_birth: '2016-02-02', sex: 'M', ethnicity: 'WBRI', cms_id: '4000001' },
      { first_name: 'Sam', last_name: 'Smith', date_of_birth: '2014-07-07', sex: 'F', ethnicity: 'WBRI', cms_id: '4000002' },
    ]);
    familyId = m.familyId;
    [jon, john, sam] = m.childIds;
    r1 = await seedReferral(db(), familyId, [{ child_id: jon, legal_status: 'CP' }, { child_id: john }, { child_id: sam, legal_status: 'CP' }], {
      referral_date: '2024-06-01', offer_date: '2024-06-02', consent_decision: 'GIVEN', consent_date: '2024-06-05', initial_fgc_date: '2024-07-01',
    });
    r2 = await seedReferral(db(), familyId, [{ child_id: jon, legal_status: 'CIN' }], { referral_date: '2024-10-01' });
    linksBefore = await links();
  });

  const links = () => db()('referral_children').whereIn('referral_id', [r1, r2]).orderBy(['referral_id', 'child_id']).select('*');
  const counts = async () => {
    const { ret } = await buildReturn(db(), 2024);
    return { referred: ret.populations.referred.children, tookPlace: ret.populations.tookPlace.children, fgcs: ret.populations.referred.fgcs };
  };

  it('counts the duplicate twice before the merge', async () => {
    expect(await counts()).toMatchObject({ referred: 3, tookPlace: 3, fgcs: 2 });
  });

  it('offers the possible duplicate first on the merge page', async () => {
    const res = await coordinator.get(`/children/${jon}/merge`);
    expect(res.status).toBe(200);
    expect(res.text.indexOf('John Smith')).toBeLessThan(res.text.indexOf('Sam Smith'));
    expect(res.text).toContain('possible duplicate: similar name and date of birth');
    const confirm = await coordinator.get(`/children/${jon}/merge?target=${john}`);
    expect(confirm.text).toContain('Merge the records');
    expect((await postForm(coordinator, `/children/${jon}/merge`, {})).status).toBe(400);
  });

  it('merges: every link moves to the survivor, one link where both were on a referral, audited', async () => {
    const version = (await db()('children').where({ id: jon }).first()).version;
    const res = await postForm(coordinator, `/children/${jon}/merge`, { target: String(john), version: String(version) });
    expect(res.status).toBe(302);
    expect(res.headers.location).toBe(`/families/${familyId}`);
    expect((await coordinator.get(res.headers.location)).text).toMatch(/govuk-notification-banner--success[\s\S]*Records merged: Jon Smith is now part of John Smith/);
    expect((await db()('children').where({ id: jon }).first()).merged_into_id).toBe(john);
    const after = await links();
    expect(after.map((l) => [l.referral_id, l.child_id, l.legal_status])).toEqual([
      [r1, john, 'CP'], // John's blank legal status filled from Jon's
      [r1, sam, 'CP'],
      [r2, john, 'CIN'],
    ]);
    const audit = await db()('audit_log').where({ user_id: t.users.coordinator.id }).whereIn('child_id', [jon, john]).select('entity', 'action', 'field', 'old_value', 'new_value', 'child_id', 'referral_id');
    expect(audit).toEqual(expect.arrayContaining([
      expect.objectContaining({ entity: 'child', child_id: jon, field: 'merged_into', new_value: 'C' + String(john).padStart(6, '0') }),
      expect.objectContaining({ entity: 'child', child_id: john, field: 'merged_from' }),
      expect.objectContaining({ entity: 'referral_child', child_id: jon, referral_id: r1, action: 'delete' }),
      expect.objectContaining({ entity: 'referral_child', child_id: jon, referral_id: r2, action: 'delete' }),
      expect.objectContaining({ entity: 'referral_child', child_id: john, referral_id: r2, action: 'create' }),
      expect.objectContaining({ entity: 'referral_child', child_id: john, referral_id: r1, action: 'update', field: 'legal_status', new_value: 'CP' }),
    ]));
    const page = await coordinator.get(`/families/${familyId}`);
    expect(page.text).toContain(`Merged into C${String(john).padStart(6, '0')}`);
  });

  it('counts the merged child once in the return, and leaves it out of the quality rules', async () => {
    expect(await counts()).toMatchObject({ referred: 2, tookPlace: 2, fgcs: 2 });
    const report = await runQuality(db(), { rules: ['ethnicity-not-obtained', 'no-legal-status', 'duplicate-cms-id'] });
    expect(report.issues.filter((i) => i.child_id === jon)).toEqual([]);
  });

  it('refuses to merge a record already merged', async () => {
    const res = await postForm(coordinator, `/children/${jon}/merge`, { target: String(sam), version: '99' });
    expect(res.status).toBe(400);
    expect(res.text).toContain('has already been merged');
  });

  it('lets only an administrator undo it, from the list of merges', async () => {
    const merge = await db()('child_merges').where({ merged_child_id: jon }).first();
    expect((await postForm(coordinator, `/admin/merges/${merge.id}/undo`, {})).status).toBe(403);
    const list = await admin.get('/admin/merges');
    expect(list.status).toBe(200);
    expect(list.text).toContain(`/admin/merges/${merge.id}/undo`);
    expect(list.text).not.toContain('Jon'); // references only
    admin.csrf = csrfFrom(list.text);
    const res = await postForm(admin, `/admin/merges/${merge.id}/undo`, {});
    expect(res.status).toBe(302);
    expect((await db()('children').where({ id: jon }).first()).merged_into_id).toBeNull();
    expect(await links()).toEqual(linksBefore);
    expect(await db()('child_merges').where({ id: merge.id }).first()).toMatchObject({ undone_by: t.users.admin.id });
    const audit = await db()('audit_log').where({ user_id: t.users.admin.id }).whereIn('child_id', [jon, john]).select('entity', 'action', 'field', 'child_id', 'referral_id');
    expect(audit).toEqual(expect.arrayContaining([
      expect.objectContaining({ entity: 'child', child_id: jon, field: 'merged_into', action: 'update' }),
      expect.objectContaining({ entity: 'referral_child', child_id: jon, referral_id: r2, action: 'create' }),
      expect.objectContaining({ entity: 'referral_child', child_id: john, referral_id: r2, action: 'delete' }),
      expect.objectContaining({ entity: 'referral_child', child_id: jon, referral_id: r1, action: 'create' }),
      expect.objectContaining({ entity: 'referral_child', child_id: john, referral_id: r1, action: 'update', field: 'legal_status' }),
    ]));
    expect(await counts()).toMatchObject({ referred: 3, tookPlace: 3, fgcs: 2 });
  });

  it('refuses to undo twice, and an undo whose survivor was merged again', async () => {
    const first = await db()('child_merges').where({ merged_child_id: jon }).first();
    const again = await postForm(admin, `/admin/merges/${first.id}/undo`, {});
    expect(again.status).toBe(409);
    expect(again.text).toContain('already been undone');
    // Jon into John, then John into Sam: the first cannot be undone before the second.
    const v = async (id: number) => (await db()('children').where({ id }).first()).version;
    expect((await postForm(coordinator, `/children/${jon}/merge`, { target: String(john), version: String(await v(jon)) })).status).toBe(302);
    expect((await postForm(coordinator, `/children/${john}/merge`, { target: String(sam), version: String(await v(john)) })).status).toBe(302);
    expect(await counts()).toMatchObject({ referred: 1, fgcs: 2 });
    const [later, earlier] = await db()('child_merges').whereNull('undone_at').orderBy('id', 'desc');
    const refused = await postForm(admin, `/admin/merges/${earlier.id}/undo`, {});
    expect(refused.status).toBe(409);
    expect(refused.text).toContain('undo that merge first');
    expect((await postForm(admin, `/admin/merges/${later.id}/undo`, {})).status).toBe(302);
    expect((await postForm(admin, `/admin/merges/${earlier.id}/undo`, {})).status).toBe(302);
    expect(await links()).toEqual(linksBefore);
    expect(await counts()).toMatchObject({ referred: 3, tookPlace: 3, fgcs: 2 });
  });
});
