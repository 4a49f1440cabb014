import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Writable } from 'node:stream';
import { spawn } from 'node:child_process';
import pino from 'pino';
import request from 'supertest';
import { createTestApp, csrfFrom, postForm, signIn, PASSWORD, type Agent, type TestApp } from './support/app.js';
import { createTestDb } from './support/db.js';
import { envFor } from './support/processes.js';
import { createApp } from '../server/app.js';
import { createServices } from '../server/services.js';
import { loadConfig } from '../server/config.js';
import { createUser } from '../server/auth/users.js';
import { verifyPassword } from '../server/auth/passwords.js';
import { issuePasswordLink, LINK_HOURS } from '../server/auth/password-links.js';
import { accountEditChanges, caseAccessGained, needsReview } from '../server/auth/account-audit.js';
import type { Logger } from '../server/logger.js';

// Separation of duties: an administrator never learns or sets another person's password. New
// accounts and resets get a one-time link (72 hours, single use, stored hashed) that the
// administrator passes on; people change their own password; every account change goes to the
// account audit, and one that gives case data waits for a data lead's acknowledgement.

let t: TestApp;
let admin: Agent;
const db = () => t.testDb.db;
const NEW_PASSWORD = 'plum kettle orbit lantern';

beforeAll(async () => {
  t = await createTestApp();
  admin = await signIn(t.app, t.users.admin.email);
});
afterAll(() => t.close());
beforeEach(() => db()('rate_limits').del());

/** The link an administrator is shown once, after creating an account or a reset. */
async function linkShown(res: request.Response): Promise<{ url: string; token: string; path: string; page: string }> {
  expect(res.status).toBe(302);
  expect(res.headers.location).toMatch(/^\/admin\/users\/\d+\/link$/);
  const page = await admin.get(res.headers.location);
  expect(page.status).toBe(200);
  const m = /(https?:\/\/[^\s<"]+\/set-password\/([A-Za-z0-9_-]{43}))/.exec(page.text);
  expect(m, 'the link on the page').toBeTruthy();
  return { url: m![1], token: m![2], path: `/set-password/${m![2]}`, page: page.text };
}

async function addUser(fields: Record<string, string>) {
  const res = await postForm(admin, '/admin/users', fields);
  const user = await db()('users').where({ email: fields.email }).first();
  return { user, link: await linkShown(res) };
}

/** Opens a set-password link in a fresh browser and posts the password with the page's token. */
async function setPasswordWith(path: string, password: string, extra: Record<string, string> = {}) {
  const agent = request.agent(t.app);
  const page = await agent.get(path);
  if (page.status !== 200) return page;
  return agent.post(path).type('form').send({ _csrf: csrfFrom(page.text), password, ...extra });
}

const audit = (accountId: number) => db()('account_audit').where({ account_id: accountId }).orderBy('id').select('action', 'old_value', 'new_value', 'actor_id', 'channel', 'review_state');

describe('a new account gets a one-time link, never a password', () => {
  it('the administrator adds a user and is shown the link once; no password is set or shown', async () => {
    const res = await postForm(admin, '/admin/users', { name: 'Nia New', email: 'nia@council.example', role: 'coordinator', team: 'North team', password: 'admin chosen password' });
    const user = await db()('users').where({ email: 'nia@council.example' }).first();
    expect(user.password_hash).toBeNull(); // a password field sent by the administrator is ignored
    const link = await linkShown(res);
    expect(link.page).toContain('Nia New');
    expect(link.page).not.toContain('admin chosen password');
    // Shown once: the same page again has no link, and the session keeps none.
    const again = await admin.get(`/admin/users/${user.id}/link`);
    expect(again.status).toBe(200);
    expect(again.text).toContain('No link to show');
    expect(again.text).not.toContain(link.token);
    const sessions = await db()('sessions').select('sess');
    expect(JSON.stringify(sessions)).not.toContain(link.token);
    // Only a hash of the token is stored.
    const stored = await db()('password_links').where({ user_id: user.id });
    expect(stored).toHaveLength(1);
    expect(JSON.stringify(stored)).not.toContain(link.token);
    expect(stored[0].token_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(Date.parse(stored[0].expires_at) - Date.parse(stored[0].created_at)).toBe(LINK_HOURS * 3_600_000);
    expect(LINK_HOURS).toBe(72);

    // The person sets their own password; then signs in with it.
    const page = await request(t.app).get(link.path);
    expect(page.status).toBe(200);
    expect(page.text).toContain('nia@council.example');
    expect(page.headers['referrer-policy']).toBe('no-referrer');
    const set = await setPasswordWith(link.path, NEW_PASSWORD);
    expect(set.status).toBe(302);
    expect(set.headers.location).toBe('/sign-in?password-set=1');
    await expect(signIn(t.app, 'nia@council.example', NEW_PASSWORD)).resolves.toBeTruthy();

    // Nothing the administrator can open shows the password or its hash.
    const after = await db()('users').where({ id: user.id }).first();
    for (const url of ['/admin/users', `/admin/users/${user.id}`, `/admin/users/${user.id}/link`]) {
      const text = (await admin.get(url)).text;
      expect(text).not.toContain(NEW_PASSWORD);
      expect(text).not.toContain(after.password_hash);
      expect(text).not.toContain('$argon2');
    }
    expect(await audit(user.id)).toEqual([
      { action: 'created', old_value: null, new_value: 'coordinator', actor_id: t.users.admin.id, channel: 'web', review_state: 'pending' },
      { action: 'link-issued', old_value: null, new_value: 'new-account', actor_id: t.users.admin.id, channel: 'web', review_state: null },
      { action: 'password-set', old_value: null, new_value: 'new-account', actor_id: user.id, channel: 'web', review_state: null },
    ]);
  });

  it('a link works once', async () => {
    const { user, link } = await addUser({ name: 'Olu Once', email: 'olu@council.example', role: 'manager' });
    expect((await setPasswordWith(link.path, NEW_PASSWORD)).status).toBe(302);
    const hash = (await db()('users').where({ id: user.id }).first()).password_hash;
    const page = await request(t.app).get(link.path);
    expect(page.status).toBe(404);
    expect(page.text).toContain('This link cannot be used');
    // Posting it again (with a fresh session's token) changes nothing.
    const agent = request.agent(t.app);
    const form = await agent.get('/sign-in');
    const post = await agent.post(link.path).type('form').send({ _csrf: csrfFrom(form.text), password: 'another long password here' });
    expect(post.status).toBe(404);
    expect((await db()('users').where({ id: user.id }).first()).password_hash).toBe(hash);
  });

  it('a link stops working after 72 hours', async () => {
    const { user } = await addUser({ name: 'Ezra Expired', email: 'ezra@council.example', role: 'coordinator' });
    const longAgo = new Date(Date.now() - (LINK_HOURS * 3_600_000 + 60_000));
    const old = await issuePasswordLink(db(), user.id, 'reset', t.users.admin.id, longAgo);
    const page = await request(t.app).get(`/set-password/${old.token}`);
    expect(page.status).toBe(404);
    expect(page.text).toContain('This link cannot be used');
    expect(page.text).toContain('ask an administrator for a new link');
    // one that has a minute left still works
    const nearly = await issuePasswordLink(db(), user.id, 'reset', t.users.admin.id, new Date(Date.now() - (LINK_HOURS * 3_600_000 - 60_000)));
    expect((await request(t.app).get(`/set-password/${nearly.token}`)).status).toBe(200);
    expect((await setPasswordWith(`/set-password/${nearly.token}`, NEW_PASSWORD)).status).toBe(302);
  });

  it('one person’s link sets only their password, whatever the form says; an unknown or malformed token is a GOV.UK not-found page', async () => {
    const a = await addUser({ name: 'Ada Alpha', email: 'ada.alpha@council.example', role: 'coordinator' });
    const b = await addUser({ name: 'Ben Beta', email: 'ben.beta@council.example', role: 'coordinator' });
    const res = await setPasswordWith(a.link.path, NEW_PASSWORD, { email: b.user.email, username: b.user.email, user_id: String(b.user.id), id: String(b.user.id) });
    expect(res.status).toBe(302);
    expect(await verifyPassword((await db()('users').where({ id: a.user.id }).first()).password_hash, NEW_PASSWORD)).toBe(true);
    expect((await db()('users').where({ id: b.user.id }).first()).password_hash).toBeNull();
    // B's own link still works, for B only.
    expect((await setPasswordWith(b.link.path, 'ben own long password')).status).toBe(302);
    expect(await verifyPassword((await db()('users').where({ id: b.user.id }).first()).password_hash, 'ben own long password')).toBe(true);
    expect(await verifyPassword((await db()('users').where({ id: a.user.id }).first()).password_hash, NEW_PASSWORD)).toBe(true);

    for (const path of [`/set-password/${'A'.repeat(43)}`, '/set-password/short', `/set-password/${a.link.token}x`]) {
      const page = await request(t.app).get(path);
      expect(page.status, path).toBe(404);
      expect(page.text).toContain('govuk-heading-l');
      expect(page.text).toContain('This link cannot be used');
    }
  });

  it('checks the new password: length, common passwords, not the address, with GOV.UK errors', async () => {
    const { user, link } = await addUser({ name: 'Cal Common', email: 'cal@council.example', role: 'coordinator' });
    for (const [password, message] of [
      ['', 'Enter a password'],
      ['short one', 'Password must be 12 characters or more'],
      ['Password1234', 'Password is too common'],
      ['qwerty 123456', 'Password is too common'],
      ['cal@council.example', 'Password must not be your email address'],
    ]) {
      const res = await setPasswordWith(link.path, password);
      expect(res.status, password).toBe(400);
      expect(res.text).toContain('govuk-error-summary');
      expect(res.text).toMatch(/<title>Error: /);
      expect(res.text).toContain(message);
    }
    expect((await db()('users').where({ id: user.id }).first()).password_hash).toBeNull();
    expect((await setPasswordWith(link.path, NEW_PASSWORD)).status).toBe(302); // still unused after the errors
  });

  it('refuses a set-password post without the page’s CSRF token, or with another session’s', async () => {
    const { user, link } = await addUser({ name: 'Cy Csrf', email: 'cy@council.example', role: 'coordinator' });
    const none = await request(t.app).post(link.path).type('form').send({ password: NEW_PASSWORD });
    expect(none.status).toBe(403);
    expect(none.text).toContain('Your form could not be sent');
    const other = request.agent(t.app);
    const otherPage = await other.get('/sign-in');
    const mine = request.agent(t.app);
    await mine.get(link.path);
    const crossed = await mine.post(link.path).type('form').send({ _csrf: csrfFrom(otherPage.text), password: NEW_PASSWORD });
    expect(crossed.status).toBe(403);
    expect((await db()('users').where({ id: user.id }).first()).password_hash).toBeNull();
    expect(await db()('password_links').where({ user_id: user.id }).whereNotNull('used_at')).toHaveLength(0);
  });

  it('a newer link, or deactivating the account, ends the older link', async () => {
    const { user, link } = await addUser({ name: 'Noor Newer', email: 'noor@council.example', role: 'coordinator' });
    const second = await linkShown(await postForm(admin, `/admin/users/${user.id}/reset-password`, {}));
    expect((await request(t.app).get(link.path)).status).toBe(404);
    expect((await request(t.app).get(second.path)).status).toBe(200);
    await postForm(admin, `/admin/users/${user.id}`, { role: 'coordinator', team: '', active: 'no' });
    expect((await request(t.app).get(second.path)).status).toBe(404);
    // reactivated, the old link stays dead; a reset of a deactivated account is refused
    await postForm(admin, `/admin/users/${user.id}`, { role: 'coordinator', team: '', active: 'yes' });
    expect((await request(t.app).get(second.path)).status).toBe(404);
    await postForm(admin, `/admin/users/${user.id}`, { role: 'coordinator', team: '', active: 'no' });
    const refused = await postForm(admin, `/admin/users/${user.id}/reset-password`, {});
    expect(refused.status).toBe(400);
    expect(refused.text).toContain('Reactivate the account before creating a link');
  });
});

describe('a reset gives a link; the old password works until it is used', () => {
  it('resets the coordinator’s password only through their own hands, and unlocks the account', async () => {
    const id = await createUser(db(), { email: 'rita@council.example', name: 'Rita Reset', role: 'coordinator', password: PASSWORD });
    await db()('users').where({ id }).update({ failed_attempts: 5, locked_until: new Date(Date.now() + 3_600_000).toISOString() });
    const link = await linkShown(await postForm(admin, `/admin/users/${id}/reset-password`, {}));
    expect(link.page).toContain('Link to set a new password');
    const before = (await db()('users').where({ id }).first()).password_hash;
    expect(before).toBeTruthy(); // unchanged by the reset itself
    const set = await setPasswordWith(link.path, NEW_PASSWORD);
    expect(set.status).toBe(302);
    const after = await db()('users').where({ id }).first();
    expect(after).toMatchObject({ failed_attempts: 0, locked_until: null });
    await expect(signIn(t.app, 'rita@council.example', PASSWORD)).rejects.toThrow(/sign-in failed/);
    await expect(signIn(t.app, 'rita@council.example', NEW_PASSWORD)).resolves.toBeTruthy();
    expect((await audit(id)).map((r) => [r.action, r.new_value, r.review_state])).toEqual([
      ['link-issued', 'reset', 'pending'], // a reset of an account with case data: whoever holds the link can sign in as them
      ['password-set', 'reset', null],
    ]);
  });

  it('a signed-in browser that uses someone’s link is signed out, to sign in as that person with the new password', async () => {
    const id = await createUser(db(), { email: 'sam@council.example', name: 'Sam Shared', role: 'coordinator', password: PASSWORD });
    const link = await linkShown(await postForm(admin, `/admin/users/${id}/reset-password`, {}));
    const coordinator = await signIn(t.app, t.users.coordinator.email);
    const page = await coordinator.get(link.path);
    const res = await coordinator.post(link.path).type('form').send({ _csrf: csrfFrom(page.text), password: NEW_PASSWORD });
    expect(res.status).toBe(302);
    expect((await coordinator.get('/cases')).status).toBe(302);
  });
});

describe('your account', () => {
  it('shows the person’s own details and changes their password with the current one', async () => {
    const id = await createUser(db(), { email: 'yan@council.example', name: 'Yan Yours', role: 'manager', team: 'South team', password: PASSWORD });
    const me = await signIn(t.app, 'yan@council.example');
    const elsewhere = await signIn(t.app, 'yan@council.example'); // the same person on another device
    const page = await me.get('/account');
    expect(page.status).toBe(200);
    for (const s of ['Your account', 'Yan Yours', 'yan@council.example', 'Service manager', 'South team', 'href="/account/password"']) expect(page.text).toContain(s);
    const form = await me.get('/account/password');
    expect(form.status).toBe(200);
    const token = csrfFrom(form.text);
    const post = (body: Record<string, string>) => me.post('/account/password').type('form').send({ _csrf: token, ...body });

    const wrong = await post({ current_password: 'not my password at all', new_password: NEW_PASSWORD });
    expect(wrong.status).toBe(400);
    expect(wrong.text).toContain('Your current password is not correct');
    expect((await db()('users').where({ id }).first()).failed_attempts).toBe(1);
    const common = await post({ current_password: PASSWORD, new_password: 'iloveyou1234' });
    expect(common.status).toBe(400);
    expect(common.text).toContain('New password is too common');
    const empty = await post({ current_password: '', new_password: '' });
    expect(empty.status).toBe(400);
    expect(empty.text).toContain('Enter your current password');
    expect(empty.text).toContain('Enter a new password');
    const same = await post({ current_password: PASSWORD, new_password: PASSWORD });
    expect(same.text).toContain('New password must be different from your current password');
    // a link waiting for this account dies when the person changes their password themselves
    const waiting = await issuePasswordLink(db(), id, 'reset', t.users.admin.id);

    const ok = await post({ current_password: PASSWORD, new_password: NEW_PASSWORD });
    expect(ok.status).toBe(302);
    expect(ok.headers.location).toBe('/account?password-changed=1');
    expect((await me.get('/account?password-changed=1')).text).toContain('Your password has been changed');
    // the session that changed it stays signed in; every other session of the account ends
    expect((await me.get('/account')).status).toBe(200);
    const ended = await elsewhere.get('/account');
    expect(ended.status).toBe(302);
    expect(ended.headers.location).toBe('/sign-in');
    await expect(signIn(t.app, 'yan@council.example', NEW_PASSWORD)).resolves.toBeTruthy();
    expect((await request(t.app).get(`/set-password/${waiting.token}`)).status).toBe(404);
    expect((await audit(id)).map((r) => [r.action, r.actor_id])).toEqual([['password-changed', id]]);
  });

  it('refuses a change-password post without the CSRF token, or with another session’s', async () => {
    const id = await createUser(db(), { email: 'zoe@council.example', name: 'Zoe Csrf', role: 'coordinator', password: PASSWORD });
    const before = (await db()('users').where({ id }).first()).password_hash;
    const me = await signIn(t.app, 'zoe@council.example');
    const none = await me.post('/account/password').type('form').send({ current_password: PASSWORD, new_password: NEW_PASSWORD });
    expect(none.status).toBe(403);
    const other = await signIn(t.app, t.users.coordinator.email);
    const crossed = await me.post('/account/password').type('form').send({ _csrf: other.csrf, current_password: PASSWORD, new_password: NEW_PASSWORD });
    expect(crossed.status).toBe(403);
    expect((await db()('users').where({ id }).first()).password_hash).toBe(before);
  });

  it('every role has the page, and signed out it sends you to sign in', async () => {
    for (const role of ['coordinator', 'manager', 'data_lead', 'admin'] as const) {
      const agent = await signIn(t.app, t.users[role].email);
      expect((await agent.get('/account')).status, role).toBe(200);
      expect((await agent.get('/account/password')).status, role).toBe(200);
    }
    const out = await request(t.app).get('/account');
    expect(out.status).toBe(302);
    expect(out.headers.location).toBe('/sign-in');
  });
});

describe('the account audit and the data leads’ acknowledgement', () => {
  it('decides which changes wait for a data lead', () => {
    expect(caseAccessGained('admin', 'coordinator')).toEqual(['cases']);
    expect(caseAccessGained('coordinator', 'data_lead')).toEqual(['insight', 'returns']);
    expect(caseAccessGained('data_lead', 'coordinator')).toEqual([]);
    expect(needsReview({ action: 'created', newValue: 'admin' }, 'admin')).toBe(false);
    expect(needsReview({ action: 'created', newValue: 'manager' }, 'manager')).toBe(true);
    expect(needsReview({ action: 'reactivated' }, 'coordinator')).toBe(true);
    expect(needsReview({ action: 'reactivated' }, 'admin')).toBe(false);
    expect(needsReview({ action: 'link-issued', newValue: 'reset' }, 'coordinator')).toBe(true);
    expect(needsReview({ action: 'link-issued', newValue: 'new-account' }, 'coordinator')).toBe(false);
    expect(needsReview({ action: 'deactivated' }, 'coordinator')).toBe(false);
    const ids = { accountId: 1, actorId: 2, channel: 'web' } as const;
    // reactivated and given a bigger role at once: one change to review
    const both = accountEditChanges({ role: 'coordinator', team: null, active: false }, { role: 'data_lead', team: 'X', active: true }, ids);
    expect(both.map((c) => [c.action, c.review])).toEqual([['role-changed', true], ['team-changed', false], ['reactivated', false]]);
  });

  it('writes a row for every change an administrator makes, and data leads see the ones giving case data until one acknowledges them', async () => {
    const lead = await signIn(t.app, t.users.data_lead.email);
    // Acknowledge anything earlier tests left waiting, so this test sees only its own.
    await db()('account_audit').where({ review_state: 'pending' }).update({ review_state: 'acknowledged', reviewed_by: t.users.manager.id, reviewed_at: new Date().toISOString() });
    expect((await lead.get('/cases')).text).not.toContain('access to case data');

    const { user } = await addUser({ name: 'Ivy <b>Insider</b>', email: 'ivy@council.example', role: 'admin' });
    await postForm(admin, `/admin/users/${user.id}`, { role: 'admin', team: 'IT', active: 'yes' }); // team only
    await postForm(admin, `/admin/users/${user.id}`, { role: 'coordinator', team: 'IT', active: 'yes' }); // gains case data
    await postForm(admin, `/admin/users/${user.id}`, { role: 'coordinator', team: 'IT', active: 'no' });
    await postForm(admin, `/admin/users/${user.id}`, { role: 'coordinator', team: 'IT', active: 'yes' }); // gains it again
    expect((await audit(user.id)).map((r) => [r.action, r.old_value, r.new_value, r.review_state])).toEqual([
      ['created', null, 'admin', null],
      ['link-issued', null, 'new-account', null],
      ['team-changed', null, 'IT', null],
      ['role-changed', 'admin', 'coordinator', 'pending'],
      ['deactivated', null, null, null],
      ['reactivated', null, null, 'pending'],
    ]);

    // The data lead's home page shows both, escaped, with a form to acknowledge them.
    const home = await lead.get('/cases');
    expect(home.status).toBe(200);
    expect(home.text).toContain('govuk-notification-banner');
    expect(home.text).toContain('2 account changes give someone access to case data');
    expect(home.text).toContain('Ivy &lt;b&gt;Insider&lt;/b&gt;');
    expect(home.text).not.toContain('<b>Insider</b>');
    expect(home.text).toContain('Role changed from Administrator to FGC coordinator');
    expect(home.text).toContain('action="/account-audit/acknowledge"');
    // Other roles' pages do not show it; managers read it on the Account changes page.
    const manager = await signIn(t.app, t.users.manager.email);
    expect((await manager.get('/cases')).text).not.toContain('access to case data');
    const managerAudit = await manager.get('/account-audit');
    expect(managerAudit.status).toBe(200);
    expect(managerAudit.text).toContain('Ivy &lt;b&gt;Insider&lt;/b&gt;');
    expect(managerAudit.text).toContain('Waiting for a data lead');
    expect(managerAudit.text).not.toContain('action="/account-audit/acknowledge"');
    expect((await postForm(manager, '/account-audit/acknowledge', { ids: '1,2,3' })).status).toBe(403);
    const coordinator = await signIn(t.app, t.users.coordinator.email);
    expect((await coordinator.get('/account-audit')).status).toBe(403);
    expect((await admin.get('/account-audit')).status).toBe(403);

    // Acknowledging needs the CSRF token.
    const ids = /name="ids" value="([0-9,]+)"/.exec(home.text)![1];
    expect(ids.split(',')).toHaveLength(2);
    expect((await lead.post('/account-audit/acknowledge').type('form').send({ ids })).status).toBe(403);
    expect(await db()('account_audit').where({ review_state: 'pending' })).toHaveLength(2);
    const ack = await postForm(lead, '/account-audit/acknowledge', { ids });
    expect(ack.status).toBe(302);
    expect(ack.headers.location).toBe('/account-audit?acknowledged=2');
    const done = await lead.get(ack.headers.location);
    expect(done.text).toContain('2 changes acknowledged');
    expect(done.text).toContain(`Acknowledged by Test data_lead`);
    const rows = await db()('account_audit').where({ account_id: user.id }).whereNotNull('review_state');
    expect(rows.map((r) => [r.review_state, r.reviewed_by])).toEqual([['acknowledged', t.users.data_lead.id], ['acknowledged', t.users.data_lead.id]]);
    expect((await lead.get('/cases')).text).not.toContain('access to case data');
  });

  it('a data lead does not acknowledge a change to their own account; another data lead does', async () => {
    const leadId = t.users.data_lead.id;
    const otherId = await createUser(db(), { email: 'lee.other@council.example', name: 'Lee Other', role: 'data_lead', password: PASSWORD });
    await postForm(admin, `/admin/users/${leadId}`, { role: 'manager', team: '', active: 'yes' });
    await postForm(admin, `/admin/users/${leadId}`, { role: 'data_lead', team: '', active: 'yes' }); // regains returns: waits
    const [own] = await db()('account_audit').where({ account_id: leadId, review_state: 'pending' });
    expect(own).toBeTruthy();
    const lead = await signIn(t.app, t.users.data_lead.email);
    expect((await lead.get('/cases')).text).not.toContain('access to case data');
    expect((await lead.get('/account-audit')).text).toContain('to your own account waits for another data lead');
    await postForm(lead, '/account-audit/acknowledge', { ids: String(own.id) });
    expect((await db()('account_audit').where({ id: own.id }).first()).review_state).toBe('pending');
    const other = await signIn(t.app, 'lee.other@council.example');
    expect((await other.get('/cases')).text).toContain('1 account change gives someone access to case data');
    await postForm(other, '/account-audit/acknowledge', { ids: String(own.id) });
    expect((await db()('account_audit').where({ id: own.id }).first())).toMatchObject({ review_state: 'acknowledged', reviewed_by: otherId });
  });
});

describe('accounts made outside the Users page', () => {
  it('the first-run page checks the password against the common list and records the first administrator', async () => {
    const tdb = await createTestDb();
    try {
      const app = createApp(createServices(tdb.db, loadConfig({ NODE_ENV: 'test', DATABASE_FILE: ':memory:' }), pino({ level: 'silent' }) as unknown as Logger));
      const agent = request.agent(app);
      const token = csrfFrom((await agent.get('/first-run')).text);
      const common = await agent.post('/first-run').type('form').send({ _csrf: token, name: 'Ada Admin', email: 'ada@council.example', password: 'qwertyuiop123' });
      expect(common.status).toBe(400);
      expect(common.text).toContain('Password is too common');
      expect(await tdb.db('users')).toHaveLength(0);
      expect((await agent.post('/first-run').type('form').send({ _csrf: token, name: 'Ada Admin', email: 'ada@council.example', password: NEW_PASSWORD })).status).toBe(302);
      const [ada] = await tdb.db('users');
      expect(await tdb.db('account_audit').select('account_id', 'actor_id', 'channel', 'action', 'new_value', 'review_state')).toEqual([
        { account_id: ada.id, actor_id: ada.id, channel: 'first-run', action: 'created', new_value: 'admin', review_state: null },
      ]);
    } finally {
      await tdb.destroy();
    }
  });

  it('npm run create-user refuses a common password and records the account, for a data lead to check', async () => {
    const run = (args: string[], input: string) =>
      new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
        const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/create-user.ts', ...args], { env: { ...envFor(t.testDb), LOG_LEVEL: 'silent' } });
        let stdout = '';
        let stderr = '';
        child.stdout.on('data', (d) => (stdout += d));
        child.stderr.on('data', (d) => (stderr += d));
        child.stdin.end(input);
        child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
      });
    const refused = await run(['--email', 'cli@council.example', '--name', 'Cli Person', '--role', 'coordinator'], 'password1234\n');
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('Password is too common');
    const made = await run(['--email', 'cli@council.example', '--name', 'Cli Person', '--role', 'coordinator'], `${NEW_PASSWORD}\n`);
    expect(made.code, made.stderr).toBe(0);
    const user = await db()('users').where({ email: 'cli@council.example' }).first();
    expect(await audit(user.id)).toEqual([{ action: 'created', old_value: null, new_value: 'coordinator', actor_id: null, channel: 'command-line', review_state: 'pending' }]);
    const lead = await signIn(t.app, t.users.data_lead.email);
    expect((await lead.get('/account-audit')).text).toContain('Server operator (npm run create-user)');
  }, 60_000);
});

describe('logs', () => {
  it('carry no set-password token, password or name', async () => {
    const lines: string[] = [];
    const sink = new Writable({ write(chunk, _e, cb) { lines.push(String(chunk)); cb(); } });
    const logged = createApp(createServices(db(), loadConfig({ NODE_ENV: 'test', DATABASE_FILE: ':memory:' }), pino({ level: 'trace' }, sink) as unknown as Logger));
    const id = await createUser(db(), { email: 'lou@council.example', name: 'Lou Logged', role: 'coordinator', password: null });
    const { token } = await issuePasswordLink(db(), id, 'new-account', t.users.admin.id);
    const agent = request.agent(logged);
    const page = await agent.get(`/set-password/${token}`);
    await agent.post(`/set-password/${token}`).type('form').send({ _csrf: csrfFrom(page.text), password: 'short' });
    await agent.post(`/set-password/${token}`).type('form').send({ _csrf: csrfFrom(page.text), password: NEW_PASSWORD });
    const log = lines.join('');
    expect(log).toContain('/set-password/[token]');
    expect(log).not.toContain(token);
    expect(log).not.toContain(NEW_PASSWORD);
    expect(log).not.toContain('Lou Logged');
    expect(log).not.toContain('lou@council.example');
  });
});
