import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import request from 'supertest';
import { createTestApp, signIn, type Agent, type TestApp } from './support/app.js';
import { registeredRoutes } from './support/routes.js';
import type { Permission, Role } from '../server/auth/roles.js';
import { ROLES, can } from '../server/auth/roles.js';

// Every route of the app and what it needs. A route added without a row here fails
// the coverage test below, so role checks are tested for every route.
type Need = Permission | 'public' | 'signed-in';
const ROUTES: [string, string, Need][] = [
  ['GET', '/health', 'public'],
  ['GET', '/sign-in', 'public'],
  ['POST', '/sign-in', 'public'],
  ['POST', '/sign-out', 'signed-in'],
  ['GET', '/first-run', 'public'],
  ['POST', '/first-run', 'public'],
  ['GET', '/', 'signed-in'],
  ['GET', '/cases', 'cases'],
  ['GET', '/families/new', 'cases'],
  ['POST', '/families', 'cases'],
  ['GET', '/families/:id', 'cases'],
  ['GET', '/families/:id/history', 'cases'],
  ['GET', '/families/:id/children/new', 'cases'],
  ['POST', '/families/:id/children', 'cases'],
  ['GET', '/children/:id/edit', 'cases'],
  ['POST', '/children/:id', 'cases'],
  ['GET', '/children/:id/history', 'cases'],
  ['GET', '/families/:id/referrals/new', 'cases'],
  ['POST', '/families/:id/referrals', 'cases'],
  ['GET', '/referrals/:id', 'cases'],
  ['GET', '/referrals/:id/history', 'cases'],
  ['GET', '/referrals/:id/children', 'cases'],
  ['POST', '/referrals/:id/children', 'cases'],
  ['GET', '/referrals/:id/reviews/new', 'cases'],
  ['POST', '/referrals/:id/reviews', 'cases'],
  ['GET', '/referrals/:id/outcomes', 'cases'],
  ['POST', '/referrals/:id/outcomes', 'cases'],
  ['GET', '/referrals/:id/stages/:stage', 'cases'],
  ['POST', '/referrals/:id/stages/:stage', 'cases'],
  ['GET', '/admin/users', 'admin'],
  ['GET', '/admin/users/new', 'admin'],
  ['POST', '/admin/users', 'admin'],
  ['GET', '/admin/users/:id', 'admin'],
  ['POST', '/admin/users/:id', 'admin'],
  ['POST', '/admin/users/:id/reset-password', 'admin'],
  ['GET', '/admin/code-lists', 'admin'],
  ['GET', '/admin/code-lists/:list', 'admin'],
  ['POST', '/admin/code-lists/:list', 'admin'],
  ['POST', '/admin/code-lists/:list/:code/retire', 'admin'],
  ['GET', '/admin/settings', 'admin'],
  ['POST', '/admin/settings', 'admin'],
  ['GET', '/admin/retention', 'admin'],
  ['GET', '/admin/merges', 'admin'],
  ['POST', '/admin/merges/:id/undo', 'admin'],
  ['GET', '/insight', 'insight'],
  ['GET', '/insight/refusals', 'insight'],
  ['GET', '/insight/equity', 'insight'],
  ['GET', '/insight/timeliness', 'insight'],
  ['GET', '/insight/outcomes', 'insight'],
  ['GET', '/insight/plans', 'insight'],
  ['GET', '/insight/trends', 'insight'],
  ['GET', '/insight/download', 'insight'],
  ['GET', '/insight/comparison', 'returns'],
  ['GET', '/insight/comparison/sample.csv', 'returns'],
  ['POST', '/insight/comparison', 'returns'],
  ['POST', '/insight/comparison/delete', 'returns'],
  ['GET', '/quality', 'insight'],
  ['GET', '/quality/report.xlsx', 'insight'],
  ['GET', '/quality/:rule', 'insight'],
  ['GET', '/children/:id/merge', 'cases'],
  ['POST', '/children/:id/merge', 'cases'],
  ['POST', '/admin/retention/purge', 'admin'],
  ['GET', '/returns', 'returns'],
  ['GET', '/imports/interchange', 'returns'],
  ['POST', '/imports/interchange', 'returns'],
  ['POST', '/imports/interchange/:id/apply', 'returns'],
  ['GET', '/imports/tracker', 'returns'],
  ['POST', '/imports/tracker', 'returns'],
  ['POST', '/imports/tracker/mappings/:id/delete', 'returns'],
  ['GET', '/imports/tracker/:id/header', 'returns'],
  ['POST', '/imports/tracker/:id/header', 'returns'],
  ['GET', '/imports/tracker/:id/columns', 'returns'],
  ['POST', '/imports/tracker/:id/columns', 'returns'],
  ['GET', '/imports/tracker/:id/values', 'returns'],
  ['POST', '/imports/tracker/:id/values', 'returns'],
  ['GET', '/imports/tracker/:id', 'returns'],
  ['POST', '/imports/tracker/:id/check', 'returns'],
  ['POST', '/imports/tracker/:id/apply', 'returns'],
  ['GET', '/exports/interchange.csv', 'returns'],
  ['GET', '/exports/interchange.xlsx', 'returns'],
  ['GET', '/returns/answers', 'returns'],
  ['POST', '/returns/answers', 'returns'],
  ['GET', '/returns/:year', 'returns'],
  ['GET', '/returns/:year/figures', 'returns'],
  ['GET', '/returns/:year/workbook.xlsx', 'returns'],
  ['GET', '/returns/:year/child-extract.csv', 'returns'],
  ['GET', '/returns/:year/child-extract.xlsx', 'returns'],
];

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
