import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import request from 'supertest';
import { createTestApp, dateFields, postForm, signIn, type Agent, type TestApp } from './support/app.js';
import { seedFamily, seedReferral } from './support/cases.js';
import { CHILD_FIELDS, STAGES } from '../server/cases/stages.js';

// Attacks on the running app through real HTTP: stored XSS, SQL injection, oversized
// bodies and uploads, path traversal, session expiry, retention purge.

const XSS = `<script>alert(1)</script>"'><img src=x onerror=alert(2)>`;
const SQLI = [`' or 1=1 --`, `'; drop table children; --`, `" or ""="`, `%' union select password_hash from users --`, `\\`, `%`, `_`];

let t: TestApp;
let coord: Agent;
let admin: Agent;
let lead: Agent;
let familyId: number;
let childId: number;
let referralId: number;

beforeAll(async () => {
  t = await createTestApp();
  coord = await signIn(t.app, t.users.coordinator.email);
  admin = await signIn(t.app, t.users.admin.email);
  lead = await signIn(t.app, t.users.data_lead.email);
  const f = await seedFamily(t.testDb.db, 'SEC-1', [{ first_name: 'Safe', date_of_birth: '2016-01-01' }]);
  familyId = f.familyId;
  childId = f.childIds[0];
  referralId = await seedReferral(t.testDb.db, familyId, [{ child_id: childId }], {
    referral_date: '2024-05-01', offer_date: '2024-05-02', consent_decision: 'GIVEN', consent_date: '2024-05-03', initial_fgc_date: '2024-05-10',
    coordinator_id: t.users.coordinator.id, // so the child's name is on the coordinator's My work too
  });
});
afterAll(() => t.close());

const noRawXss = (html: string) => {
  expect(html).not.toContain('<script>alert(1)</script>');
  expect(html).not.toContain('<img src=x onerror');
};

describe('stored XSS through every text field is escaped on output', () => {
  it('child text fields (names, CMS id)', async () => {
    const textFields = CHILD_FIELDS.filter((f) => f.kind === 'text').map((f) => f.name);
    expect(textFields).toEqual(['first_name', 'last_name', 'cms_id']);
    const child = await t.testDb.db('children').where({ id: childId }).first();
    const res = await postForm(coord, `/children/${childId}`, {
      version: child.version, first_name: XSS.slice(0, 90), last_name: XSS.slice(0, 90), cms_id: XSS.slice(0, 59), ...dateFields('date_of_birth', '2016-01-01'),
    });
    expect(res.status).toBe(302);
    for (const url of [`/families/${familyId}`, `/children/${childId}/edit`, `/children/${childId}/history`, `/referrals/${referralId}`, '/cases?q=script', `/referrals/${referralId}/outcomes`, '/my-work']) {
      const page = await coord.get(url);
      expect(page.status, url).toBe(200);
      noRawXss(page.text);
    }
    expect((await coord.get(`/families/${familyId}`)).text).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect((await coord.get('/my-work')).text).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
  });

  it('every text field of every stage form', async () => {
    for (const stage of STAGES) {
      const text = stage.fields.filter((f) => f.kind === 'text' || f.kind === 'textarea');
      if (!text.length) continue;
      const r = await t.testDb.db('referrals').where({ id: referralId }).first();
      const body: Record<string, string> = { version: String(r.version) };
      for (const f of stage.fields) {
        if (f.kind === 'date') Object.assign(body, dateFields(f.name, r[f.name]));
        if (f.kind === 'text' || f.kind === 'textarea') body[f.name] = XSS;
      }
      if (stage.key === 'closure') Object.assign(body, dateFields('closure_date', '2024-06-01'));
      const res = await postForm(coord, `/referrals/${referralId}/stages/${stage.key}`, body);
      expect(res.status, stage.key).toBe(302);
    }
    for (const url of [`/referrals/${referralId}`, `/referrals/${referralId}/history`, `/referrals/${referralId}/stages/offer`, `/referrals/${referralId}/stages/closure`]) {
      noRawXss((await coord.get(url)).text);
    }
  });

  it('family and referral references, error pages re-showing input', async () => {
    const res = await postForm(coord, '/families', { family_ref: XSS.slice(0, 60), last_name: 'X', ...dateFields('date_of_birth', '2019-02-31') });
    expect(res.status).toBe(400); // a date of birth that is not real: the form comes back with what was typed
    noRawXss(res.text);
    const ok = await postForm(coord, '/families', { family_ref: XSS.slice(0, 60), last_name: 'X', ...dateFields('date_of_birth', '2019-01-01') });
    expect(ok.status).toBe(302);
    noRawXss((await coord.get(ok.headers.location)).text);
    noRawXss((await coord.get('/cases')).text);
  });

  it('administration: user names, teams, code-list labels, settings', async () => {
    expect((await postForm(admin, '/admin/users', { name: XSS, email: 'xss@council.example', role: 'coordinator', team: XSS.slice(0, 99) })).status).toBe(302);
    noRawXss((await admin.get('/admin/users')).text);
    expect((await postForm(admin, '/admin/code-lists/referral_source', { code: 'XSS', label: XSS })).status).toBe(302);
    noRawXss((await admin.get('/admin/code-lists/referral_source')).text);
    noRawXss((await coord.get(`/referrals/${referralId}/stages/details`)).text);
    expect((await postForm(admin, '/admin/settings', { council_name: XSS })).status).toBe(302);
    noRawXss((await admin.get('/admin/settings')).text);
    noRawXss((await lead.get('/returns/2024')).text);
    noRawXss((await lead.get('/returns/answers')).text);
  });
});

describe('SQL injection in every search and filter', () => {
  it('case list search, status, stage and page', async () => {
    const before = await t.testDb.db('children').count({ n: '*' }).first();
    for (const s of SQLI) {
      for (const param of ['q', 'status', 'stage', 'page']) {
        const res = await coord.get(`/cases?${param}=${encodeURIComponent(s)}`);
        expect(res.status, `${param}=${s}`).toBe(200);
      }
      const res = await coord.get(`/cases?q=${encodeURIComponent(s)}`);
      expect(res.text).not.toContain('SEC-1'); // the injection matched nothing
      expect(res.text).not.toContain('$argon2');
    }
    const after = await t.testDb.db('children').count({ n: '*' }).first();
    expect(Number(after!.n)).toBe(Number(before!.n));
  });

  it('the return year, drill-down codes and ids in paths', async () => {
    for (const s of SQLI) {
      const enc = encodeURIComponent(s);
      expect((await lead.get(`/returns/${enc}`)).status).toBe(404);
      expect((await lead.get(`/returns/2024/figures?breakdown=${enc}&code=${enc}`)).status).toBe(404);
      expect((await lead.get(`/returns/2024/figures?population=${enc}&unit=${enc}`)).status).toBe(404);
      expect((await coord.get(`/families/${enc}`)).status).toBe(404);
      expect((await coord.get(`/referrals/${enc}/stages/${enc}`)).status).toBe(404);
      expect((await admin.get(`/admin/code-lists/${enc}`)).status).toBe(404);
    }
  });
});

describe('oversized input', () => {
  it('refuses a form body over the limit with a clear message, and stores nothing', async () => {
    const before = await t.testDb.db('families').count({ n: '*' }).first();
    const res = await coord.post('/families').type('form').send({ _csrf: coord.csrf, last_name: 'x'.repeat(300_000) });
    expect(res.status).toBe(413);
    expect(res.text).toContain('What you sent is too large');
    expect(Number((await t.testDb.db('families').count({ n: '*' }).first())!.n)).toBe(Number(before!.n));
  });

  it.each(['/imports/interchange', '/imports/tracker'])('refuses an upload over 20MB to %s with a clear message, storing nothing', async (path) => {
    const db = t.testDb.db;
    const stored = async () => Number((await db('import_uploads').count({ n: '*' }).first())!.n) + Number((await db('tracker_imports').count({ n: '*' }).first())!.n);
    const before = await stored();
    const big = Buffer.alloc(20 * 1024 * 1024 + 1, 'a');
    const res = await lead.post(path).field('_csrf', lead.csrf).attach('file', big, 'big.csv');
    expect(res.status).toBe(400);
    expect(res.text).toContain('The selected file must be smaller than 20MB');
    expect(res.text).toContain('govuk-error-summary');
    // Not parsed at all for someone who may not import: refused by the CSRF check (no token in an unread body).
    expect((await coord.post(path).field('_csrf', coord.csrf).attach('file', big, 'big.csv')).status).toBe(403);
    expect(await stored()).toBe(before);
  });

  it('refuses over-long fields with GOV.UK messages', async () => {
    const res = await postForm(coord, '/families', { last_name: 'x'.repeat(201), ...dateFields('date_of_birth', '2019-01-01') });
    expect(res.status).toBe(400);
    expect(res.text).toContain('Last name must be 200 characters or fewer');
  });
});

describe('path traversal on file routes', () => {
  it.each([
    '/assets/../../package.json', '/assets/%2e%2e/%2e%2e/package.json', '/govuk/..%2f..%2f..%2fpackage.json',
    '/public/..%2f..%2fconfig.ts', '/public/%2e%2e%2f%2e%2e%2f.session-secret', '/assets/images/..%5c..%5c..%5cpackage.json',
  ])('%s', async (url) => {
    const res = await request(t.app).get(url);
    expect([400, 403, 404]).toContain(res.status);
    expect(res.text).not.toContain('"dependencies"');
  });

  it('still serves the real assets', async () => {
    expect((await request(t.app).get('/govuk/govuk-frontend.min.css')).status).toBe(200);
    expect((await request(t.app).get('/assets/images/favicon.ico')).status).toBe(200);
  });
});

describe('security headers', () => {
  it.each(['/sign-in', '/cases', '/health', '/no-such-page'])('%s', async (url) => {
    const res = await coord.get(url);
    expect(res.headers['content-security-policy']).toContain("default-src 'self'");
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['x-frame-options']).toBe('SAMEORIGIN');
    expect(res.headers['referrer-policy']).toBe('same-origin');
    expect(res.headers['x-powered-by']).toBeUndefined();
  });

  it('marks the session cookie HttpOnly and SameSite, with the idle timeout as its lifetime', async () => {
    const res = await request(t.app).get('/sign-in');
    const cookie = String(res.headers['set-cookie']);
    expect(cookie).toContain('HttpOnly');
    expect(cookie).toContain('SameSite=Lax');
    expect(cookie).toMatch(/Expires=/);
  });
});

describe('idle sessions', () => {
  it('expire on the server: an expired session is not honoured even if the cookie is replayed', async () => {
    const agent = await signIn(t.app, t.users.manager.email);
    expect((await agent.get('/cases')).status).toBe(200);
    const sessions = await t.testDb.db('sessions').select('sid', 'sess');
    const mine = sessions.filter((r) => (typeof r.sess === 'string' ? JSON.parse(r.sess) : r.sess).passport?.user?.id === t.users.manager.id);
    expect(mine.length).toBeGreaterThan(0);
    await t.testDb.db('sessions').whereIn('sid', mine.map((r) => r.sid)).update({ expired: new Date(Date.now() - 60_000) });
    const res = await agent.get('/cases');
    expect(res.status).toBe(302);
    expect(res.headers.location).toBe('/sign-in');
  });
});

describe('session expiry writes', () => {
  it('moves the stored expiry forward only when it would move by more than a minute', async () => {
    const sids = async () => (await t.testDb.db('sessions').select('sid')).map((r) => r.sid as string);
    const earlier = new Set(await sids());
    const agent = await signIn(t.app, t.users.data_lead.email);
    const fresh = (await sids()).filter((sid) => !earlier.has(sid));
    expect(fresh).toHaveLength(1);
    const row = { sid: fresh[0] };
    const expiry = async () => new Date((await t.testDb.db('sessions').where({ sid: row.sid }).first()).expired).getTime();
    const first = await expiry();
    expect((await agent.get('/cases')).status).toBe(200);
    expect(await expiry()).toBe(first); // seconds later: not written again
    const idleMs = t.services.config.sessionIdleMinutes * 60_000;
    const older = Date.now() + idleMs - 5 * 60_000;
    await t.testDb.db('sessions').where({ sid: row.sid }).update({ expired: new Date(older).toISOString() });
    const before = Date.now();
    expect((await agent.get('/cases')).status).toBe(200);
    const moved = await expiry();
    expect(moved).toBeGreaterThanOrEqual(before + idleMs - 1000);
    expect(moved).toBeLessThanOrEqual(Date.now() + idleMs + 1000);
  });
});

describe('data retention', () => {
  it('purges episodes closed more than N years ago, with the family left with none, and audits the purge', async () => {
    const db = t.testDb.db;
    const old = await seedFamily(db, 'OLD-1', [{ first_name: 'Gone', last_name: 'Away', date_of_birth: '2005-01-01' }]);
    await seedReferral(db, old.familyId, [{ child_id: old.childIds[0] }], { referral_date: '2015-01-01', closure_date: '2015-06-01', consent_decision: 'DECLINED', consent_date: '2015-01-05', decline_reason: 'NOHELP', offer_date: '2015-01-02' });
    const keep = await seedFamily(db, 'KEEP-1', [{ first_name: 'Stay', date_of_birth: '2012-01-01' }]);
    await seedReferral(db, keep.familyId, [{ child_id: keep.childIds[0] }], { referral_date: '2015-01-01', closure_date: '2015-06-01', offer_date: '2015-01-02', consent_decision: 'NORESP', consent_date: '2015-02-01', decline_reason: 'OTH' });
    await seedReferral(db, keep.familyId, [{ child_id: keep.childIds[0] }], { referral_date: '2025-01-01' });

    expect((await postForm(admin, '/admin/retention/purge', { confirm: 'yes' })).status).toBe(400); // no retention period set yet
    expect((await postForm(admin, '/admin/settings', { retention_years: '7', council_name: 'Testshire' })).status).toBe(302);
    const page = await admin.get('/admin/retention');
    expect(page.text).toMatch(/FGC episodes<\/dt><dd class="govuk-summary-list__value">2</);
    expect((await postForm(admin, '/admin/retention/purge', {})).text).toContain('Confirm that you want to delete');
    const done = await postForm(admin, '/admin/retention/purge', { confirm: 'yes' });
    expect(done.status).toBe(200);
    expect(done.text).toContain('Deleted 2 FGC episodes');
    expect(await db('families').where({ family_ref: 'OLD-1' })).toHaveLength(0);
    expect(await db('children').where({ first_name: 'Gone' })).toHaveLength(0);
    expect(await db('families').where({ family_ref: 'KEEP-1' })).toHaveLength(1);
    expect(await db('referrals').where({ family_id: keep.familyId })).toHaveLength(1);
    const leftovers = await db('audit_log').where('new_value', 'like', '%Gone%').orWhere('new_value', 'like', '%Away%');
    expect(leftovers).toHaveLength(0);
    const audit = await db('audit_log').where({ action: 'purge', user_id: t.users.admin.id });
    expect(audit).toHaveLength(1);
    expect(audit[0].new_value).toContain('2 referrals, 1 children, 1 families');
    expect((await coord.get('/admin/retention')).status).toBe(403);
  });
});
