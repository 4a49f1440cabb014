import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import request from 'supertest';
import { createTestApp, csrfFrom, signIn, postForm, PASSWORD, type TestApp } from './support/app.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({ SIGN_IN_LOCKOUT_ATTEMPTS: '3' });
});
afterAll(() => t.close());

describe('sign-in', () => {
  it('refuses a wrong password with a GOV.UK error and records the failure', async () => {
    const agent = request.agent(t.app);
    const page = await agent.get('/sign-in');
    const res = await agent.post('/sign-in').type('form').send({ _csrf: csrfFrom(page.text), email: t.users.manager.email, password: 'nope' });
    expect(res.status).toBe(401);
    expect(res.text).toContain('govuk-error-summary');
    expect(res.text).toContain('Enter a correct email address and password');
    expect(res.text).toMatch(/<title>Error: Sign in/);
    const audit = await t.testDb.db('audit_log').where({ action: 'sign-in-failed', user_id: t.users.manager.id });
    expect(audit).toHaveLength(1);
  });

  it('asks for missing fields', async () => {
    const agent = request.agent(t.app);
    const page = await agent.get('/sign-in');
    const res = await agent.post('/sign-in').type('form').send({ _csrf: csrfFrom(page.text), email: '', password: '' });
    expect(res.status).toBe(400);
    expect(res.text).toContain('Enter your email address');
    expect(res.text).toContain('Enter your password');
  });

  it('locks an account after repeated failures, even for the right password', async () => {
    const email = t.users.data_lead.email;
    const agent = request.agent(t.app);
    for (let i = 0; i < 3; i++) {
      const page = await agent.get('/sign-in');
      await agent.post('/sign-in').type('form').send({ _csrf: csrfFrom(page.text), email, password: `wrong-${i}` });
    }
    const page = await agent.get('/sign-in');
    const res = await agent.post('/sign-in').type('form').send({ _csrf: csrfFrom(page.text), email, password: PASSWORD });
    expect(res.status).toBe(401);
    // the same message as a wrong password: nothing says the account exists (test/sign-in.test.ts)
    expect(res.text).toContain('Enter a correct email address and password');
    expect(res.text).not.toMatch(/locked/i);
    const user = await t.testDb.db('users').where({ email }).first();
    expect(user.locked_until > new Date().toISOString()).toBe(true);
    // once the lock has passed (or the person sets a new password with a link), it signs in
    await t.testDb.db('users').where({ email }).update({ locked_until: new Date(Date.now() - 1000).toISOString() });
    await expect(signIn(t.app, email)).resolves.toBeTruthy();
    expect((await t.testDb.db('users').where({ email }).first()).failed_attempts).toBe(0);
  });

  it('gives a new session id at sign-in (no session fixation)', async () => {
    const agent = request.agent(t.app);
    const page = await agent.get('/sign-in');
    const before = /fgc\.sid=([^;]+)/.exec(String(page.headers['set-cookie']))?.[1];
    expect(before).toBeTruthy();
    const res = await agent.post('/sign-in').type('form').send({ _csrf: csrfFrom(page.text), email: t.users.coordinator.email, password: PASSWORD });
    const after = /fgc\.sid=([^;]+)/.exec(String(res.headers['set-cookie']))?.[1];
    expect(after).toBeTruthy();
    expect(after).not.toBe(before);
  });

  it('signs out and the old session no longer works', async () => {
    const agent = await signIn(t.app, t.users.coordinator.email);
    expect((await agent.get('/cases')).status).toBe(200);
    const res = await postForm(agent, '/sign-out', {});
    expect(res.status).toBe(302);
    const after = await agent.get('/cases');
    expect(after.status).toBe(302);
    expect(after.headers.location).toBe('/sign-in');
    expect(await t.testDb.db('audit_log').where({ action: 'sign-out', user_id: t.users.coordinator.id })).toHaveLength(1);
  });

  it('does not sign in a deactivated account, and ends its open sessions', async () => {
    const agent = await signIn(t.app, t.users.manager.email);
    await t.testDb.db('users').where({ id: t.users.manager.id }).update({ active: false });
    expect((await agent.get('/cases')).status).toBe(302);
    await expect(signIn(t.app, t.users.manager.email)).rejects.toThrow(/sign-in failed/);
    await t.testDb.db('users').where({ id: t.users.manager.id }).update({ active: true });
  });
});

describe('CSRF', () => {
  it('refuses a form posted without the token and changes nothing', async () => {
    const agent = await signIn(t.app, t.users.coordinator.email);
    const before = await t.testDb.db('families').count({ n: '*' }).first();
    const res = await agent.post('/families').type('form').send({ last_name: 'Smith', 'date_of_birth-day': '1', 'date_of_birth-month': '1', 'date_of_birth-year': '2020' });
    expect(res.status).toBe(403);
    expect(res.text).toContain('Your form could not be sent');
    const after = await t.testDb.db('families').count({ n: '*' }).first();
    expect(Number(after!.n)).toBe(Number(before!.n));
  });

  it('refuses a token from another session', async () => {
    const a = await signIn(t.app, t.users.coordinator.email);
    const b = await signIn(t.app, t.users.manager.email);
    const res = await b.post('/families').type('form').send({ _csrf: a.csrf, last_name: 'Smith' });
    expect(res.status).toBe(403);
  });

  it('refuses sign-in without a token', async () => {
    const res = await request(t.app).post('/sign-in').type('form').send({ email: t.users.coordinator.email, password: PASSWORD });
    expect(res.status).toBe(403);
  });
});

describe('first run', () => {
  it('is closed once any account exists', async () => {
    const res = await request(t.app).get('/first-run');
    expect(res.status).toBe(302);
    const agent = request.agent(t.app);
    const page = await agent.get('/sign-in');
    const post = await agent.post('/first-run').type('form').send({ _csrf: csrfFrom(page.text), name: 'X', email: 'x@council.example', password: 'a long enough password' });
    expect(post.status).toBe(302);
    expect(await t.testDb.db('users').where({ email: 'x@council.example' })).toHaveLength(0);
  });
});

describe('security headers and health', () => {
  it('sends a content security policy with a nonce and no inline script without it', async () => {
    const res = await request(t.app).get('/sign-in');
    const csp = String(res.headers['content-security-policy']);
    expect(csp).toMatch(/script-src 'self' 'nonce-[0-9a-f]{32}'/);
    expect(csp).toContain("frame-ancestors 'none'");
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.text).not.toMatch(/<script(?![^>]*src=)(?![^>]*nonce=)[^>]*>/);
  });

  it('reports the database in /health', async () => {
    const res = await request(t.app).get('/health');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'ok', database: 'up' });
  });
});
