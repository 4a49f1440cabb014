import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Knex } from 'knex';
import { createTestApp, dateFields, postForm, signIn, type Agent, type TestApp } from './support/app.js';
import { seedFamily, seedReferral } from './support/cases.js';
import { RULES, ruleByCode } from '../server/quality/registry.js';
import type { SeedReferralFields } from './support/cases.js';

// Every data-quality rule on the forms, through the real app: a save that trips a rule whose
// decision is 'error' is refused with a GOV.UK error and changes nothing; one whose decision
// is 'query' is saved and the query shows on the record's page. Each case below trips one
// rule; the expectation comes from the rule's own file (its severity), so changing a rule's
// decision changes what this test demands. The rules about time passing (no activity for 90
// days, outcomes overdue, an expected date of delivery gone by) never stop a save.

let t: TestApp;
let coordinator: Agent;
const db = (): Knex => t.testDb.db;
let n = 0;

beforeAll(async () => {
  t = await createTestApp();
  coordinator = await signIn(t.app, t.users.coordinator.email);
});
afterAll(() => t.close());

/** A family of its own for each case, with one child. */
async function family(child: Record<string, unknown> = {}) {
  n += 1;
  return seedFamily(db(), `FR${n}`, [{ first_name: `Kid${n}`, last_name: 'Rules', date_of_birth: '2016-01-01', ethnicity: 'WBRI', cms_id: `77${n}`, ...child }]);
}

async function referral(fields: Record<string, unknown>, child: Record<string, unknown> = {}, legal: string | null = 'CP') {
  const f = await family(child);
  const id = await seedReferral(db(), f.familyId, [{ child_id: f.childIds[0], legal_status: legal }], { referral_date: '2024-06-10', ...fields } as SeedReferralFields);
  return { ...f, id, version: (await db()('referrals').where({ id }).first()).version };
}

const stage = async (id: number, key: string, body: Record<string, unknown>) => {
  const version = (await db()('referrals').where({ id }).first()).version;
  return postForm(coordinator, `/referrals/${id}/stages/${key}`, { version, ...body });
};
const version = async (id: number) => (await db()('referrals').where({ id }).first()).version;

interface Case {
  /** makes the save; returns the response, the page the query shows on, and how to tell whether it was saved */
  run(): Promise<{ res: { status: number; text: string; headers: Record<string, string> }; page: string; saved: () => Promise<boolean> }>;
  /** text of the message as the page shows it */
  message: string;
}

const CASES: Record<string, Case> = {
  'held-without-consent': {
    message: 'A conference cannot be recorded as held until consent has been given',
    async run() {
      const r = await referral({ offer_date: '2024-06-11' });
      const res = await stage(r.id, 'conference', { ...dateFields('initial_fgc_date', '2024-07-01') });
      return { res, page: `/referrals/${r.id}`, saved: async () => (await version(r.id)) !== r.version };
    },
  },
  'stage-contradiction': {
    message: 'Remove the reason consent was not given, because consent was given',
    async run() {
      const r = await referral({ offer_date: '2024-06-11' });
      const res = await stage(r.id, 'consent', { consent_decision: 'GIVEN', ...dateFields('consent_date', '2024-06-12'), decline_reason: 'DISTRUST' });
      return { res, page: `/referrals/${r.id}`, saved: async () => (await version(r.id)) !== r.version };
    },
  },
  'stage-order': {
    message: 'The offer date cannot be before the referral date',
    async run() {
      const r = await referral({});
      const res = await stage(r.id, 'offer', { ...dateFields('offer_date', '2024-06-01') });
      return { res, page: `/referrals/${r.id}`, saved: async () => (await version(r.id)) !== r.version };
    },
  },
  'plan-without-date': {
    message: 'Enter the date the plan was agreed',
    async run() {
      const r = await referral({ offer_date: '2024-06-11', consent_decision: 'GIVEN', consent_date: '2024-06-12', initial_fgc_date: '2024-07-01' });
      const res = await stage(r.id, 'plan', { plan_agreed: 'yes', ...dateFields('plan_date', null) });
      return { res, page: `/referrals/${r.id}`, saved: async () => (await version(r.id)) !== r.version };
    },
  },
  'not-held-without-reason': {
    message: 'Select why the conference did not take place',
    async run() {
      const r = await referral({ offer_date: '2024-06-11', consent_decision: 'GIVEN', consent_date: '2024-06-12' });
      const res = await stage(r.id, 'closure', { ...dateFields('closure_date', '2024-09-01'), fgc_not_held_reason: '' });
      return { res, page: `/referrals/${r.id}`, saved: async () => (await version(r.id)) !== r.version };
    },
  },
  'declined-without-reason': {
    message: 'Consent was declined but no reason is recorded',
    async run() {
      const r = await referral({ offer_date: '2024-06-11' });
      const res = await stage(r.id, 'consent', { consent_decision: 'DECLINED', ...dateFields('consent_date', '2024-06-12'), decline_reason: '' });
      return { res, page: `/referrals/${r.id}`, saved: async () => (await version(r.id)) !== r.version };
    },
  },
  'consent-without-offer': {
    message: 'Consent is recorded but the offer is not',
    async run() {
      const r = await referral({});
      const res = await stage(r.id, 'consent', { consent_decision: 'GIVEN', ...dateFields('consent_date', '2024-06-12') });
      return { res, page: `/referrals/${r.id}`, saved: async () => (await version(r.id)) !== r.version };
    },
  },
  'no-legal-status': {
    message: 'Select the child&#39;s legal status at referral',
    async run() {
      const f = await family();
      const before = Number((await db()('referrals').where({ family_id: f.familyId }).count({ n: '*' }).first())!.n);
      const res = await postForm(coordinator, `/families/${f.familyId}/referrals`, {
        children: [String(f.childIds[0])], [`legal_status_${f.childIds[0]}`]: '', ...dateFields('referral_date', '2024-06-10'),
      });
      const id = (await db()('referrals').where({ family_id: f.familyId }).first())?.id;
      return {
        res, page: id ? `/referrals/${id}` : `/families/${f.familyId}`,
        saved: async () => Number((await db()('referrals').where({ family_id: f.familyId }).count({ n: '*' }).first())!.n) > before,
      };
    },
  },
  'adult-at-referral': {
    message: 'on the referral date: check the date of birth',
    async run() {
      const f = await family({ date_of_birth: '2004-01-01' });
      const res = await postForm(coordinator, `/families/${f.familyId}/referrals`, {
        children: [String(f.childIds[0])], [`legal_status_${f.childIds[0]}`]: 'CP', ...dateFields('referral_date', '2024-06-10'),
      });
      const id = (await db()('referrals').where({ family_id: f.familyId }).first())?.id;
      return { res, page: id ? `/referrals/${id}` : `/families/${f.familyId}`, saved: async () => !!id };
    },
  },
  ...Object.fromEntries(([
    ['no-birth-date', 'Enter the date of birth, or the expected date of delivery for an unborn child', {}],
    ['ethnicity-not-obtained', 'Record the child&#39;s ethnicity', { ...dateFields('date_of_birth', '2018-02-02'), ethnicity: 'NOBT' }],
    ['cms-id-format', 'Case management system ID is not in your council&#39;s format', { ...dateFields('date_of_birth', '2018-02-02'), ethnicity: 'WBRI', cms_id: 'AB12' }],
    ['duplicate-cms-id', 'The same case management system ID is on', { ...dateFields('date_of_birth', '2018-02-02'), ethnicity: 'WBRI', cms_id: '999000', confirm_duplicates: 'yes' }],
  ] as const).map(([code, message, body]) => [code, {
    message,
    async run() {
      const f = await family({ cms_id: code === 'duplicate-cms-id' ? '999000' : `77${n + 1}x` });
      const last = `Added${code.replace(/-/g, '')}`;
      const res = await postForm(coordinator, `/families/${f.familyId}/children`, { first_name: 'New', last_name: last, ...body });
      return { res, page: `/families/${f.familyId}`, saved: async () => !!(await db()('children').where({ last_name: last }).first()) };
    },
  } satisfies Case])),
};

/** Rules about time passing: nothing typed trips them, so no save is ever refused for them. */
const TIME_RULES = ['no-recent-activity', 'outcome-overdue', 'unborn-past-due'];

describe('each data-quality rule on the forms does what its decision says', () => {
  beforeAll(async () => {
    await db()('service_settings').insert({ key: 'cms_id_pattern', value: '^[0-9]+x?$' }).onConflict('key').merge();
  });

  it('has a case for every rule that a save can trip, and the rules about time are queries', () => {
    expect(Object.keys(CASES).sort()).toEqual(RULES.map((r) => r.code).filter((c) => !TIME_RULES.includes(c)).sort());
    for (const c of TIME_RULES) expect(ruleByCode(c)!.severity).toBe('query');
  });

  for (const [code, c] of Object.entries(CASES)) {
    const rule = ruleByCode(code)!;
    it(`${rule.title}: ${rule.severity === 'error' ? 'blocks the save' : 'saves with a query'}`, async () => {
      const { res, page, saved } = await c.run();
      if (rule.severity === 'error') {
        expect(res.status).toBe(400);
        expect(res.text).toContain('<title>Error:');
        expect(res.text).toContain(c.message);
        expect(await saved()).toBe(false);
      } else {
        expect(res.status).toBe(302);
        expect(await saved()).toBe(true);
        expect((await coordinator.get(page)).text).toContain(c.message);
      }
    });
  }

  it('never refuses a save for time passing: an old episode with outcomes overdue and no recent activity is closed', async () => {
    const r = await referral({ offer_date: '2022-01-05', consent_decision: 'GIVEN', consent_date: '2022-01-06', initial_fgc_date: '2022-02-01', referral_date: '2022-01-02' });
    const res = await stage(r.id, 'closure', { ...dateFields('closure_date', '2022-06-01') });
    expect(res.status).toBe(302);
    expect((await coordinator.get(`/referrals/${r.id}`)).text).toContain('The 6-month outcome was due on 1 August 2022');
  });
});
