import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, dateFields, postForm, signIn, type Agent, type TestApp } from './support/app.js';
import { seedFamily, seedReferral } from './support/cases.js';
import { addDays, addMonths, formatDate, todayIso } from '../server/common/dates.js';

// Names where a coordinator looks (the case list, the family page) and their worklist:
// open episodes and closed ones with an outcome due, each with its next step as a sentence
// with a GOV.UK date and a link to the form, overdue first; nobody else's episodes.

const plain = (html: string) => html.replace(/<[^>]+>/g, ' ').replace(/&#39;|&rsquo;/g, '’').replace(/\s+/g, ' ');

describe('names on the case list and the family page, and My work', () => {
  let t: TestApp;
  let coordinator: Agent;
  let other: Agent;
  let smithFamily: number;
  const today = todayIso();

  beforeAll(async () => {
    t = await createTestApp();
    const db = t.testDb.db;
    const me = t.users.coordinator.id;
    // an open episode waiting for consent
    const smith = await seedFamily(db, 'WORK-1', [{ first_name: 'Amy', last_name: 'Smith', date_of_birth: '2016-03-01' }, { first_name: 'Ben', last_name: 'Jones', date_of_birth: '2018-05-01' }]);
    smithFamily = smith.familyId;
    await seedReferral(db, smith.familyId, smith.childIds.map((child_id) => ({ child_id })), { referral_date: addDays(today, -20), coordinator_id: me, offer_date: addDays(today, -15) });
    // a conference held 7 months ago, closed: its 6-month outcome is overdue
    const held = addMonths(today, -7);
    const patel = await seedFamily(db, 'WORK-2', [{ first_name: 'Cara', last_name: 'Patel', date_of_birth: '2012-01-01' }]);
    await seedReferral(db, patel.familyId, [{ child_id: patel.childIds[0], legal_status: 'CP' }], {
      referral_date: addMonths(today, -9), coordinator_id: me, offer_date: addMonths(today, -9), consent_decision: 'GIVEN', consent_date: addMonths(today, -9),
      initial_fgc_date: held, plan_agreed: true, plan_date: held, closure_date: addMonths(today, -6),
    });
    // an unborn child's episode, not yet offered
    const unborn = await seedFamily(db, 'WORK-3', [{ first_name: null, last_name: 'Owens', expected_date_of_birth: '2027-02-23' }]);
    await seedReferral(db, unborn.familyId, [{ child_id: unborn.childIds[0] }], { referral_date: addDays(today, -2), coordinator_id: me });
    // closed after a conference: one whose 6-month outcome falls due in 20 days is on My work, one due in 3 months is not
    const soon = await seedFamily(db, 'WORK-6', [{ first_name: 'Gus', last_name: 'Reed', date_of_birth: '2013-01-01' }]);
    await seedReferral(db, soon.familyId, [{ child_id: soon.childIds[0] }], {
      referral_date: addMonths(today, -8), coordinator_id: me, offer_date: addMonths(today, -8), consent_decision: 'GIVEN', consent_date: addMonths(today, -8),
      initial_fgc_date: addDays(addMonths(today, -6), 20), plan_agreed: true, closure_date: addMonths(today, -1),
    });
    const later = await seedFamily(db, 'WORK-7', [{ first_name: 'Hal', last_name: 'Reed', date_of_birth: '2013-01-01' }]);
    await seedReferral(db, later.familyId, [{ child_id: later.childIds[0] }], {
      referral_date: addMonths(today, -5), coordinator_id: me, offer_date: addMonths(today, -5), consent_decision: 'GIVEN', consent_date: addMonths(today, -5),
      initial_fgc_date: addMonths(today, -3), plan_agreed: true, closure_date: addMonths(today, -1),
    });
    // a closed episode with nothing due, and someone else's open episode: neither on My work
    const done = await seedFamily(db, 'WORK-4', [{ first_name: 'Dan', last_name: 'Hughes', date_of_birth: '2010-01-01' }]);
    await seedReferral(db, done.familyId, [{ child_id: done.childIds[0] }], { referral_date: addMonths(today, -3), coordinator_id: me, offer_date: addMonths(today, -3), consent_decision: 'DECLINED', consent_date: addMonths(today, -3), decline_reason: 'NOTWANTED', closure_date: addMonths(today, -2) });
    const theirs = await seedFamily(db, 'WORK-5', [{ first_name: 'Eve', last_name: 'Khan', date_of_birth: '2014-01-01' }]);
    await seedReferral(db, theirs.familyId, [{ child_id: theirs.childIds[0] }], { referral_date: addDays(today, -1), coordinator_id: t.users.manager.id });
    coordinator = await signIn(t.app, t.users.coordinator.email);
    other = await signIn(t.app, t.users.data_lead.email);
  }, 60_000);
  afterAll(() => t?.close());

  it('the case list shows each referral’s children and its family’s name, and finds them by a child’s name', async () => {
    const page = plain((await coordinator.get('/cases')).text);
    expect(page).toContain('Amy Smith, Ben Jones');
    expect(page).toContain('Smith / Jones');
    expect(page).toContain('Unborn Owens (due 23 February 2027)');
    expect(page).not.toMatch(/Closed\s+Closed/);
    expect(page).not.toMatch(/\d{4}-\d{2}-\d{2}/);
    const found = plain((await coordinator.get('/cases?q=ben%20jones')).text);
    expect(found).toContain('Amy Smith, Ben Jones');
    expect(found).not.toContain('Cara Patel');
  });

  it('the family page is headed with the family’s name', async () => {
    const res = await coordinator.get(`/families/${smithFamily}`);
    expect(res.text).toMatch(/<h1 class="govuk-heading-l">Smith \/ Jones family<\/h1>/);
    expect(res.text).toContain('Family WORK-1');
  });

  it('My work lists the coordinator’s episodes that need something, overdue first, each linking to its form', async () => {
    const res = await coordinator.get('/my-work');
    expect(res.status).toBe(200);
    const page = plain(res.text);
    const order = ['Cara Patel', 'Amy Smith, Ben Jones', 'Unborn Owens'].map((n) => page.indexOf(n));
    expect(order.every((i) => i >= 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    expect(page).toContain(`Record the 6-month outcome by ${formatDate(addMonths(addMonths(today, -7), 6))}, and the 12-month outcome by ${formatDate(addMonths(addMonths(today, -7), 12))}`);
    expect(page).toContain('Overdue');
    expect(page).toContain('Gus Reed');
    expect(page).not.toContain('Hal Reed');
    expect(page).not.toMatch(/\d{4}-\d{2}-\d{2}|Closed Closed|due .{0,40}\(due/);
    expect(page).toContain('Record the family’s consent decision');
    expect(page).toContain('Record the FGC offer');
    expect(page).not.toContain('Dan Hughes');
    expect(page).not.toContain('Eve Khan');
    expect(res.text).toMatch(/href="\/referrals\/\d+\/outcomes"/);
    expect(res.text).toMatch(/href="\/referrals\/\d+\/stages\/consent"/);
    expect(res.text).toContain('href="/my-work"');
  });

  it('confirms each save with a success banner naming what was saved, once', async () => {
    const db = t.testDb.db;
    const banner = (html: string) => /govuk-notification-banner--success[\s\S]*?govuk-notification-banner__heading">([^<]*)</.exec(html)?.[1]?.replace(/&#39;/g, "'");
    // a new family
    const family = await postForm(coordinator, '/families', { first_name: 'Fay', last_name: 'Gold', ...dateFields('date_of_birth', '2017-02-02'), sex: 'F', confirm_duplicates: 'yes' });
    expect(family.status).toBe(302);
    const familyPage = await coordinator.get(family.headers.location);
    expect(banner(familyPage.text)).toBe('Family added, with Fay Gold');
    expect(familyPage.text).toContain('role="alert"');
    expect(banner((await coordinator.get(family.headers.location)).text)).toBeUndefined(); // shown once
    // a referral, then its consent
    const familyId = Number(family.headers.location.split('/').pop());
    const child = await db('children').where({ family_id: familyId }).first();
    const referral = await postForm(coordinator, `/families/${familyId}/referrals`, { ...dateFields('referral_date', addDays(today, -3)), coordinator_id: String(t.users.coordinator.id), children: String(child.id), [`legal_status_${child.id}`]: '' });
    expect(referral.status).toBe(302);
    expect(banner((await coordinator.get(referral.headers.location)).text)).toBe('Referral added for Fay Gold');
    const id = Number(referral.headers.location.split('/').pop());
    expect((await coordinator.get(`/referrals/${id}`)).text).toMatch(/govuk-caption-l"><a class="govuk-link" href="\/families\/\d+">Gold family<\/a>/);
    const r = await db('referrals').where({ id }).first();
    await postForm(coordinator, `/referrals/${id}/stages/offer`, { version: r.version, ...dateFields('offer_date', addDays(today, -2)) });
    // an error page on the way neither shows the banner (it names a child) nor uses it up
    const missing = await coordinator.get('/referrals/99999999');
    expect(missing.status).toBe(404);
    expect(missing.text).not.toContain('Fay Gold');
    expect(banner((await coordinator.get(`/referrals/${id}`)).text)).toBe('Offer recorded for Fay Gold');
    const r2 = await db('referrals').where({ id }).first();
    const consent = await postForm(coordinator, `/referrals/${id}/stages/consent`, { version: r2.version, consent_decision: 'GIVEN', ...dateFields('consent_date', addDays(today, -1)) });
    expect(consent.status).toBe(302);
    expect(banner((await coordinator.get(`/referrals/${id}`)).text)).toBe('Consent recorded for Fay Gold');
    // a refused save shows its errors, and no banner
    const r3 = await db('referrals').where({ id }).first();
    const bad = await postForm(coordinator, `/referrals/${id}/stages/consent`, { version: r3.version, consent_decision: '' });
    expect(bad.status).toBe(400);
    expect(banner(bad.text)).toBeUndefined();

    // the history reads as people speak: labels, names, UK local time
    const history = plain((await coordinator.get(`/referrals/${id}/history`)).text);
    expect(history).toContain('Consent given');
    expect(history).not.toContain('GIVEN');
    expect(history).toContain('Test coordinator');
    expect(history).not.toMatch(/coordinator id|child \d|\bUTC\b|\d{4}-\d{2}-\d{2}/);
    expect(history).toContain('Added Fay Gold on the referral');
    expect(history).toMatch(/\d{1,2} (January|February|March|April|May|June|July|August|September|October|November|December) \d{4} at (\d{1,2}(:\d{2})?(am|pm)|midnight|midday)/);
  });

  it('shows times in UK local time, summer time included', async () => {
    const { localDateTime } = await import('../server/cases/history-view.js');
    expect(localDateTime('2026-07-01T13:05:00.000Z')).toBe('1 July 2026 at 2:05pm');
    expect(localDateTime('2026-12-05T09:30:00.000Z')).toBe('5 December 2026 at 9:30am');
  });

  it('forms know the family: the only child ticked on a new referral, the family’s surname offered for a new child, attendance as numbers of people', async () => {
    const db = t.testDb.db;
    const patel = await db('families').where({ family_ref: 'WORK-2' }).first();
    const only = await db('children').where({ family_id: patel.id }).first();
    const form = await coordinator.get(`/families/${patel.id}/referrals/new`);
    expect(form.text).toMatch(new RegExp(`value="${only.id}"[^>]*checked|checked[^>]*value="${only.id}"`));
    const smith = await coordinator.get(`/families/${smithFamily}/referrals/new`);
    expect(smith.text).not.toMatch(/name="children"[^>]*checked/); // two children: the coordinator chooses
    const child = await coordinator.get(`/families/${patel.id}/children/new`);
    expect(child.text).toMatch(/id="last_name"[^>]*value="Patel"/);
    const referral = await db('referrals').where({ family_id: patel.id }).first();
    const conference = await coordinator.get(`/referrals/${referral.id}/stages/conference`);
    expect(conference.text).toContain('Number of parents or carers who attended');
    expect(conference.text).toMatch(/id="attend_parents"[^>]*inputmode="numeric"/);
    expect(conference.text).toContain('A number of people, 0 if none');
  });

  it('asks why an episode closed when a conference was held (a code list of its own), and why none took place when it was not', async () => {
    const db = t.testDb.db;
    const patel = await db('families').where({ family_ref: 'WORK-2' }).first();
    const held = await db('referrals').where({ family_id: patel.id }).first();
    const form = await coordinator.get(`/referrals/${held.id}/stages/closure`);
    expect(form.text).toContain('Reason the episode closed');
    expect(form.text).toContain('Plan completed');
    expect(form.text).toContain('Family withdrew');
    expect(form.text).not.toContain('name="fgc_not_held_reason"');
    const saved = await postForm(coordinator, `/referrals/${held.id}/stages/closure`, { version: held.version, ...dateFields('closure_date', held.closure_date), closure_reason: 'PLANDONE' });
    expect(saved.status).toBe(302);
    expect((await db('referrals').where({ id: held.id }).first()).closure_reason).toBe('PLANDONE');
    const family = plain((await coordinator.get(`/families/${patel.id}`)).text);
    expect(family).toContain('Closure recorded for Cara Patel');
    expect(family).toMatch(/Closed \d{1,2} \w+ \d{4}: Plan completed/);
    const summary = plain((await coordinator.get(`/referrals/${held.id}`)).text);
    expect(summary).toContain('Reason the episode closed Plan completed');
    const history = plain((await coordinator.get(`/referrals/${held.id}/history`)).text);
    expect(history).toContain('Reason the episode closed');
    expect(history).not.toContain('PLANDONE');
    const bad = await postForm(coordinator, `/referrals/${held.id}/stages/closure`, { version: held.version + 1, ...dateFields('closure_date', held.closure_date), closure_reason: 'NOSUCH' });
    expect(bad.status).toBe(400);
    // no conference held: the form asks why not, and ignores a closure reason sent anyway
    const hughes = await db('families').where({ family_ref: 'WORK-4' }).first();
    const declined = await db('referrals').where({ family_id: hughes.id }).first();
    const notHeld = await coordinator.get(`/referrals/${declined.id}/stages/closure`);
    expect(notHeld.text).toContain('name="fgc_not_held_reason"');
    expect(notHeld.text).not.toContain('name="closure_reason"');
    await postForm(coordinator, `/referrals/${declined.id}/stages/closure`, { version: declined.version, ...dateFields('closure_date', declined.closure_date), fgc_not_held_reason: 'NOCONSENT', closure_reason: 'PLANDONE' });
    const after = await db('referrals').where({ id: declined.id }).first();
    expect(after.fgc_not_held_reason).toBe('NOCONSENT');
    expect(after.closure_reason).toBeNull();
  });

  it('says so when nothing needs the user, and is not for administrators', async () => {
    const page = plain((await other.get('/my-work')).text);
    expect(page).toContain('Nothing needs you now');
    const admin = await signIn(t.app, t.users.admin.email);
    expect((await admin.get('/my-work')).status).toBe(403);
  });
});
