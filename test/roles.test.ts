import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import request from 'supertest';
import { createTestApp, signIn, type Agent, type TestApp } from './support/app.js';
import { registeredRoutes } from './support/routes.js';
import type { Permission, Role } from '../server/auth/roles.js';
import { ROLES, can } from '../server/auth/roles.js';
import { ROUTES } from './support/route-table.js';

let t: TestApp;
const agents = {} as Record<Role, Agent>;
let ids: Record<string, string>;

beforeAll(async () => {
  t = await createTestApp();
  for (const role of ROLES) agents[role] = await signIn(t.app, t.users[role].email);
  // One family, child and referral so :id routes resolve.
  const db = t.testDb.db;
  const now = new Date().toISOString();
  const [f] = await db('families').insert({ family_ref: 'FAM1', created_at: now, updated_at: now }).returning('id');
  const familyId = typeof f === 'object' ? f.id : f;
  const [c] = await db('children').insert({ family_id: familyId, child_ref: 'CH1', last_name: 'Test', created_at: now, updated_at: now }).returning('id');
  const childId = typeof c === 'object' ? c.id : c;
  const [r] = await db('referrals').insert({ family_id: familyId, referral_ref: 'REF1', referral_date: '2025-01-10', created_at: now, updated_at: now }).returning('id');
  const referralId = typeof r === 'object' ? r.id : r;
  await db('referral_children').insert({ referral_id: referralId, child_id: childId });
  ids = { familyId: String(familyId), childId: String(childId), referralId: String(referralId), userId: String(t.users.coordinator.id) };
});
afterAll(() => t.close());

function concrete(path: string): string {
  if (path.startsWith('/families/:id')) return path.replace(':id', ids.familyId);
  if (path.startsWith('/children/:id')) return path.replace(':id', ids.childId);
  if (path.startsWith('/referrals/:id')) return path.replace(':id', ids.referralId).replace(':stage', 'offer');
  if (path.startsWith('/admin/users/:id')) return path.replace(':id', ids.userId);
  if (path.startsWith('/admin/merges/:id')) return path.replace(':id', '999999');
  if (path.startsWith('/quality/:rule')) return '/quality/stage-order';
  if (path.startsWith('/imports/interchange/:id') || path.startsWith('/imports/tracker/')) return path.replace(':id', '1');
  if (path.startsWith('/returns/:year/figures')) return '/returns/2024/figures?population=referred&unit=fgcs';
  return path.replace(':list', 'sex').replace(':code', 'U').replace(':year', '2024');
}

describe('route table', () => {
  it('covers every registered route', () => {
    const listed = ROUTES.map(([m, p]) => `${m} ${p}`).sort();
    expect(listed).toEqual(registeredRoutes(t.app));
  });
});

describe.each(ROLES)('as %s', (role) => {
  it.each(ROUTES.filter(([, , need]) => need !== 'public' && need !== 'signed-in'))('%s %s', async (method, path, need) => {
    const agent = agents[role];
    const url = concrete(path);
    const res = method === 'GET' ? await agent.get(url) : await agent.post(url).type('form').send({ _csrf: agent.csrf });
    if (can(role, need as Permission)) {
      expect(res.status, `${role} ${method} ${url}`).not.toBe(403);
      expect([200, 302, 303, 400, 404, 409]).toContain(res.status); // 404: an upload id that does not exist
    } else {
      expect(res.status, `${role} ${method} ${url}`).toBe(403);
      expect(res.text).toContain('You do not have access to this page');
    }
  });
});

describe('signed out', () => {
  it.each(ROUTES.filter(([, , need]) => need !== 'public'))('%s %s sends you to sign in', async (method, path) => {
    const url = concrete(path);
    const agent = request.agent(t.app);
    if (method === 'GET') {
      const res = await agent.get(url);
      expect(res.status).toBe(302);
      expect(res.headers.location).toBe('/sign-in');
    } else {
      // without a session there is no CSRF token to send: refused before any handler runs
      const res = await agent.post(url).type('form').send({});
      expect(res.status).toBe(403);
    }
  });
});
