import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import request from 'supertest';
import { createTestApp, csrfFrom, PASSWORD, type TestApp } from './support/app.js';
import { createUser } from '../server/auth/users.js';
import { signInHashing } from '../server/auth/sign-in.js';
import { hashPassword, verifyPassword } from '../server/auth/passwords.js';

// Sign-in tells nothing: whether the address has an account, the account is locked,
// deactivated or has no password yet, or the password is wrong, the page is the same and the
// same work is done (an Argon2 verification on every path).

let t: TestApp;
const UNKNOWN = 'nobody-here@council.example';
let ids: Record<'deactivated' | 'nopassword' | 'locking' | 'timing', { id: number; email: string }>;

beforeAll(async () => {
  t = await createTestApp(); // the default lockout: 5 failures
  const db = t.testDb.db;
  const make = async (name: string, active = true, password: string | null = PASSWORD) => {
    const email = `${name}@council.example`;
    const id = await createUser(db, { email, name: `Test ${name}`, role: 'coordinator', password });
    if (!active) await db('users').where({ id }).update({ active: false });
    return { id, email };
  };
  ids = {
    deactivated: await make('deactivated', false),
    nopassword: await make('nopassword', true, null),
    locking: await make('locking'),
    timing: await make('timing'),
  };
});
afterAll(() => t.close());
// Each test starts with the network's sign-in allowance unused (the limiter is tested elsewhere).
beforeEach(() => t.testDb.db('rate_limits').del());
afterEach(() => vi.restoreAllMocks());

/** Posts the sign-in form from a fresh browser; the page, its status and how long the post took. */
async function attempt(email: string, password: string) {
  const agent = request.agent(t.app);
  const form = await agent.get('/sign-in');
  const started = performance.now();
  const res = await agent.post('/sign-in').type('form').send({ _csrf: csrfFrom(form.text), email, password });
  return { status: res.status, text: res.text, ms: performance.now() - started, location: res.headers.location };
}

/** The page with its CSRF token and the address typed (shown back in the field) taken out. */
function comparable(page: { text: string }, typed: string): string {
  const withoutToken = page.text.replace(/name="_csrf" value="[^"]+"/g, 'name="_csrf" value="TOKEN"');
  // The address appears only where it was typed back into the field.
  expect(withoutToken.split(`value="${typed}"`).length - 1).toBe(1);
  expect(withoutToken.split(typed).length - 1).toBe(1);
  return withoutToken.replace(`value="${typed}"`, 'value="TYPED"');
}

describe('one answer for every failure', () => {
  it('a wrong password on a real account and an unknown address give the same page, byte for byte', async () => {
    const wrong = await attempt(t.users.manager.email, 'not the password at all');
    const unknown = await attempt(UNKNOWN, 'not the password at all');
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(wrong.text).toContain('Enter a correct email address and password');
    expect(comparable(unknown, UNKNOWN)).toBe(comparable(wrong, t.users.manager.email));
  });

  it('after five failures the locked real account and the unknown address say the same, even with the right password', async () => {
    const real = ids.locking.email;
    for (let i = 0; i < 5; i++) {
      expect((await attempt(real, `wrong password ${i}`)).status).toBe(401);
      expect((await attempt(UNKNOWN, `wrong password ${i}`)).status).toBe(401);
    }
    const user = await t.testDb.db('users').where({ id: ids.locking.id }).first();
    expect(user.locked_until > new Date().toISOString()).toBe(true);
    const locked = await attempt(real, PASSWORD); // the right password, but locked
    const unknown = await attempt(UNKNOWN, PASSWORD);
    expect(locked.status).toBe(401);
    expect(locked.text).not.toMatch(/locked/i);
    expect(comparable(unknown, UNKNOWN)).toBe(comparable(locked, real));
    // The lock is not made longer by attempts while it holds.
    await attempt(real, 'yet another wrong one');
    expect((await t.testDb.db('users').where({ id: ids.locking.id }).first()).locked_until).toBe(user.locked_until);
  });

  it('a deactivated account and an account with no password yet say the same as an unknown address', async () => {
    const unknown = comparable(await attempt(UNKNOWN, PASSWORD), UNKNOWN);
    for (const who of [ids.deactivated, ids.nopassword]) {
      const page = await attempt(who.email, PASSWORD);
      expect(page.status).toBe(401);
      expect(comparable(page, who.email)).toBe(unknown);
    }
  });

  it('records each failure in the audit log without the address typed', async () => {
    await attempt(UNKNOWN, 'whatever it was');
    const rows = await t.testDb.db('audit_log').whereIn('action', ['sign-in-failed', 'sign-in-refused']).select('user_id', 'new_value');
    expect(rows.some((r) => r.user_id === null && r.new_value === 'no account with that address')).toBe(true);
    expect(rows.some((r) => r.user_id === ids.deactivated.id && r.new_value === 'account deactivated')).toBe(true);
    expect(JSON.stringify(rows)).not.toContain(UNKNOWN);
  });
});

describe('the same work on every path', () => {
  it('verifies a password against an Argon2 hash once on every path, the unknown address included', async () => {
    const verify = vi.spyOn(signInHashing, 'verify');
    const cases = [
      { email: UNKNOWN, password: PASSWORD },
      { email: ids.deactivated.email, password: PASSWORD },
      { email: ids.nopassword.email, password: PASSWORD },
      { email: ids.locking.email, password: PASSWORD }, // locked (previous describe)
      { email: t.users.coordinator.email, password: 'wrong password here' },
      { email: t.users.coordinator.email, password: PASSWORD }, // signs in
    ];
    for (const c of cases) {
      verify.mockClear();
      const res = await attempt(c.email, c.password);
      expect(verify, c.email).toHaveBeenCalledTimes(1);
      const [hash, typed] = verify.mock.calls[0];
      expect(hash, c.email).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
      expect(typed).toBe(c.password);
      expect(res.status).toBe(c === cases[5] ? 302 : 401);
    }
    // The dummy hash verifies nothing (not the typed password, not an empty one).
    verify.mockClear();
    await attempt(UNKNOWN, PASSWORD);
    const dummy = verify.mock.calls[0][0] as string;
    expect(await verifyPassword(dummy, PASSWORD)).toBe(false);
    expect(await verifyPassword(dummy, '')).toBe(false);
  });

  it('an unknown address takes at least as long as one Argon2 verification (generous bounds)', async () => {
    // One verification on its own, the quickest of three...
    const hash = await hashPassword(PASSWORD);
    const alone: number[] = [];
    for (let i = 0; i < 3; i++) {
      const s = performance.now();
      await verifyPassword(hash, 'not it');
      alone.push(performance.now() - s);
    }
    // ...against the quickest of three sign-ins of each kind through the real app.
    const unknown: number[] = [];
    const wrong: number[] = [];
    for (let i = 0; i < 3; i++) {
      unknown.push((await attempt(UNKNOWN, `wrong ${i}`)).ms);
      wrong.push((await attempt(ids.timing.email, `wrong ${i}`)).ms);
    }
    const min = (xs: number[]) => Math.min(...xs);
    expect(min(alone)).toBeGreaterThan(2); // Argon2id at 19 MiB is never this quick
    expect(min(unknown)).toBeGreaterThan(min(alone) * 0.5);
    expect(min(unknown)).toBeGreaterThan(min(wrong) * 0.33);
  });
});
