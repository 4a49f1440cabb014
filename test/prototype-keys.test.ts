import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import request from 'supertest';
import { createTestApp, postForm, signIn, type Agent, type TestApp } from './support/app.js';
import { ROUTES, type Need } from './support/route-table.js';
import { ROLES, can, type Permission, type Role } from '../server/auth/roles.js';
import { seedFamily, seedReferral } from './support/cases.js';
import { currentFinancialYear } from '../server/cases/years.js';
import type { SeedReferralFields } from './support/cases.js';

// Names every plain object answers to. A lookup keyed by what a request says must find none of
// them: each is an unknown page (404) or a GOV.UK error, never a 500.
const KEYS = ['__proto__', 'constructor', 'toString', 'valueOf', 'hasOwnProperty'];

// The query keys that choose something on each page (the rest of the query is ignored).
const SELECTING: Record<string, string[]> = {
  '/cases': ['q', 'status', 'stage', 'page'],
  '/insight': ['year', 'quarter', 'stage', 'source', 'team', 'from-day', 'from-month', 'from-year'],
  '/insight/refusals': ['year', 'quarter', 'stage', 'source', 'team', 'by'],
  '/insight/equity': ['year', 'stage', 'source', 'team', 'comparison'],
  '/insight/timeliness': ['year', 'stage', 'source', 'team'],
  '/insight/outcomes': ['year', 'stage', 'source', 'team'],
  '/insight/plans': ['year', 'stage', 'source', 'team'],
  '/insight/trends': ['year', 'stage', 'source', 'team'],
  '/insight/download': ['page', 'table', 'format', 'publication', 'by', 'comparison', 'year', 'stage'],
  '/insight/comparison': ['saved', 'deleted'],
  '/quality': ['period'],
  '/quality/report.xlsx': ['period'],
  '/quality/:rule': ['period', 'page'],
  '/returns': ['year'],
  '/returns/:year/figures': ['population', 'breakdown', 'code', 'unit'],
  '/children/:id/merge': ['target'],
  '/admin/settings': ['saved'],
  '/admin/merges': ['undone'],
};

let t: TestApp;
const agents = {} as Record<Role, Agent>;
let ids: Record<string, string>;
const year = String(currentFinancialYear() - 1);

beforeAll(async () => {
  t = await createTestApp();
  for (const role of ROLES) agents[role] = await signIn(t.app, t.users[role].email);
  const db = t.testDb.db;
  const { familyId, childIds } = await seedFamily(db, 'FAM1', [{ first_name: 'Ada', sex: 'F' }, { first_name: 'Ben', sex: 'M' }]);
  const referralId = await seedReferral(db, familyId, childIds.map((child_id) => ({ child_id, legal_status: 'CIN' })),
    { referral_date: `${year}-06-01`, stage_offered: 'CP', offer_date: `${year}-06-03` } as SeedReferralFields);
  ids = { familyId: String(familyId), childId: String(childIds[0]), referralId: String(referralId), userId: String(t.users.coordinator.id) };
});
afterAll(() => t.close());

/** A value for each parameter of a path that finds something. */
const GOOD: Record<string, () => string> = {
  id: () => ids.familyId,
  stage: () => 'offer',
  list: () => 'sex',
  code: () => 'U',
  rule: () => 'stage-order',
  year: () => year,
  token: () => 'x'.repeat(43),
};
const goodId = (path: string) =>
  path.startsWith('/children/') ? ids.childId : path.startsWith('/referrals/') ? ids.referralId : path.startsWith('/admin/users/') ? ids.userId : ids.familyId;

function fill(path: string, bad?: { param: string; key: string }): string {
  return path.replace(/:(\w+)/g, (_, name: string) => {
    if (bad?.param === name) return encodeURIComponent(bad.key);
    return name === 'id' ? goodId(path) : GOOD[name]();
  });
}

function agentFor(need: Need) {
  if (need === 'public') return request.agent(t.app);
  if (need === 'signed-in') return agents.coordinator;
  const role = ROLES.find((r) => can(r, need as Permission))!;
  return agents[role];
}

const GETS = ROUTES.filter(([m]) => m === 'GET');

describe.each(GETS)('%s %s', (_method, path, need) => {
  const params = [...path.matchAll(/:(\w+)/g)].map((m) => m[1]);
  const selecting = SELECTING[path] ?? [];

  it.each(KEYS)('answers %s in every parameter and every query key that selects, without a 500', async (key) => {
    const agent = agentFor(need);
    const urls: string[] = [];
    for (const param of params) urls.push(fill(path, { param, key }));
    const base = fill(path);
    const withQuery = (q: Record<string, string>) => `${base}${base.includes('?') ? '&' : '?'}${new URLSearchParams(q)}`;
    for (const q of selecting) urls.push(withQuery({ [q]: key }));
    // every selecting key at once, and the name as a query key itself
    if (selecting.length) urls.push(withQuery(Object.fromEntries(selecting.map((q) => [q, key]))));
    urls.push(withQuery({ [key]: key }));
    // the figures behind the return: a real breakdown with the name as its code, and as the unit
    if (path === '/returns/:year/figures') {
      urls.push(withQuery({ breakdown: 'referred.fgcs.stageOffered', code: key }), withQuery({ population: key, unit: 'children' }));
    }
    if (path === '/insight/download') {
      urls.push(withQuery({ year, page: 'refusals', table: key, format: 'csv' }), withQuery({ year, page: key, table: 'decline-reasons', format: 'xlsx' }));
    }
    for (const url of urls) {
      const res = await agent.get(url);
      expect(res.status, `${need} GET ${url}`).toBeLessThan(500);
    }
  });
});

describe('forms keyed by what is posted', () => {
  it('a code list with such a name is not found, and a code with such a name is not retired', async () => {
    for (const key of KEYS) {
      expect((await agents.admin.get(`/admin/code-lists/${key}`)).status).toBe(404);
      expect((await postForm(agents.admin, `/admin/code-lists/${key}`, { code: 'X', label: 'X' })).status).toBe(404);
      expect((await postForm(agents.admin, `/admin/code-lists/sex/${key}/retire`, { retired: 'yes' })).status).toBe(404);
    }
  });

  it('a comparison population whose characteristics and categories are such names is refused with a GOV.UK error', async () => {
    const csv = ['characteristic,category_code,count', ...KEYS.map((k) => `${k},${k},10`), ...KEYS.map((k) => `sex,${k},10`), ...KEYS.map((k) => `ethnicity_group,${k},5`)].join('\n');
    const res = await postForm(agents.data_lead, '/insight/comparison', { name: 'Prototype names', csv });
    expect(res.status).toBe(400);
    expect(res.text).toContain('govuk-error-summary');
    for (const k of KEYS) expect(res.text).toContain(`characteristic &#34;${k}&#34; must be one of`);
    expect(res.text).toContain('category_code &#34;toString&#34; is not a sex category');
  });
});
