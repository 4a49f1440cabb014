import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import crypto from 'node:crypto';
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import type { Knex } from 'knex';
import { createTestDb, type TestDb } from './support/db.js';
import { DEMO_COORDINATORS, DemoRefusedError, loadDemoData, type LoadDemoResult } from '../server/demo/load.js';
import { DQ_SUFFIX, generateAll, isDeliberateProblemRef, mulberry32 } from '../server/demo/generate.js';
import { checkReferral } from '../server/quality/record-checks.js';
import { qualityContext } from '../server/quality/context.js';

/** The fields the data-quality rules that look only at the episode itself flag (errors and queries). */
const stageFindings = (facts: DbRow) => {
  const f = checkReferral(facts as Parameters<typeof checkReferral>[0], qualityContext({ today: '9999-12-31' }));
  return [...f.errors, ...f.queries].filter((x) => !['no-recent-activity', 'outcome-overdue', 'no-legal-status', 'adult-at-referral', 'consent-without-offer'].includes(x.rule));
};
import { addMonths, ageOn } from '../server/common/dates.js';

const exec = promisify(execFile);
const TODAY = '2026-03-15';
const N = 400;
// higher than the defaults (0.5%) so a few hundred referrals surely include some
const RATES = { problemRate: 0.03, duplicateRate: 0.03 };

const TABLES: [string, string][] = [
  ['families', 'id'],
  ['children', 'id'],
  ['child_disabilities', 'child_id, code'],
  ['referrals', 'id'],
  ['referral_children', 'referral_id, child_id'],
  ['referral_plan_content', 'referral_id, code'],
  ['review_conferences', 'id'],
];

async function digest(db: Knex): Promise<string> {
  const hash = crypto.createHash('sha256');
  for (const [table, order] of TABLES) {
    const rows = await db(table).select('*').orderByRaw(order);
    hash.update(table);
    for (const r of rows) hash.update(JSON.stringify(r));
  }
  return hash.digest('hex');
}

const countOf = async (db: Knex, table: string) => Number((await db(table).count({ n: '*' }).first())?.n ?? 0);
const bool = (v: unknown) => (v === null || v === undefined ? null : v === true || v === 1 || v === '1');

let a: TestDb;
let b: TestDb;
let c: TestDb;
let loaded: LoadDemoResult;
const digests: Record<string, string> = {};

beforeAll(async () => {
  [a, b, c] = await Promise.all([createTestDb(), createTestDb(), createTestDb()]);
  loaded = await loadDemoData(a.db, { referrals: N, seed: 7, today: TODAY, ...RATES });
  await loadDemoData(b.db, { referrals: N, seed: 7, today: TODAY, ...RATES });
  await loadDemoData(c.db, { referrals: N, seed: 8, today: TODAY, ...RATES });
  digests.a = await digest(a.db);
  digests.b = await digest(b.db);
  digests.c = await digest(c.db);
});

afterAll(async () => {
  await Promise.all([a, b, c].filter(Boolean).map((t) => t.destroy()));
});

describe('demo data: reproducible', () => {
  it('the same seed gives identical rows; a different seed gives different rows', () => {
    expect(digests.a).toBe(digests.b);
    expect(digests.c).not.toBe(digests.a);
  });

  it('the generator alone is deterministic too', () => {
    const one = generateAll({ referrals: 50, seed: 'x', today: TODAY });
    const two = generateAll({ referrals: 50, seed: 'x', today: TODAY });
    expect(JSON.stringify(two)).toBe(JSON.stringify(one));
    expect(mulberry32(1)()).toBe(mulberry32(1)());
  });
});

describe('demo data: shape', () => {
  it('writes exactly the referrals requested, and reports what it wrote', async () => {
    const db = a.db;
    expect(await countOf(db, 'referrals')).toBe(N);
    expect(loaded.referrals).toBe(N);
    expect(await countOf(db, 'families')).toBe(loaded.families);
    expect(await countOf(db, 'children')).toBe(loaded.children);
    expect(await countOf(db, 'referral_children')).toBe(loaded.referralChildren);
    expect(await countOf(db, 'referral_plan_content')).toBe(loaded.planContent);
    expect(await countOf(db, 'review_conferences')).toBe(loaded.reviews);
    expect(loaded.children).toBeGreaterThan(1.5 * N);
    expect(loaded.children).toBeLessThan(2.7 * N);
    expect(loaded.families).toBeLessThan(N);
    expect(loaded.reviews).toBeGreaterThan(0);
    expect(loaded.planContent).toBeGreaterThan(0);
  });

  it('every foreign key points at a row that exists', async () => {
    const db = a.db;
    const orphans = async (sql: string) => Number((await db.raw(sql).then((r) => (Array.isArray(r) ? r : r.rows)))[0].n);
    expect(await orphans('select count(*) as n from children c left join families f on f.id = c.family_id where f.id is null')).toBe(0);
    expect(await orphans('select count(*) as n from referrals r left join families f on f.id = r.family_id where f.id is null')).toBe(0);
    expect(await orphans('select count(*) as n from referrals r left join users u on u.id = r.coordinator_id where r.coordinator_id is not null and u.id is null')).toBe(0);
    expect(await orphans('select count(*) as n from referral_children x left join referrals r on r.id = x.referral_id where r.id is null')).toBe(0);
    expect(await orphans('select count(*) as n from referral_children x left join children c on c.id = x.child_id where c.id is null')).toBe(0);
    expect(await orphans('select count(*) as n from child_disabilities x left join children c on c.id = x.child_id where c.id is null')).toBe(0);
    expect(await orphans('select count(*) as n from referral_plan_content x left join referrals r on r.id = x.referral_id where r.id is null')).toBe(0);
    expect(await orphans('select count(*) as n from review_conferences x left join referrals r on r.id = x.referral_id where r.id is null')).toBe(0);
    // a child is only ever on a referral of its own family
    expect(await orphans('select count(*) as n from referral_children x join referrals r on r.id = x.referral_id join children c on c.id = x.child_id where r.family_id <> c.family_id')).toBe(0);
    // every referral has at least one child, every family at least one referral
    expect(await orphans('select count(*) as n from referrals r where not exists (select 1 from referral_children x where x.referral_id = r.id)')).toBe(0);
    expect(await orphans('select count(*) as n from families f where not exists (select 1 from referrals r where r.family_id = f.id)')).toBe(0);
  });

  it('families have 1 to 6 children, and siblings are sometimes on different referrals', async () => {
    const db = a.db;
    const sizes = (await db('children').groupBy('family_id').select('family_id').count({ n: '*' })).map((r) => Number(r.n));
    expect(Math.min(...sizes)).toBe(1);
    expect(Math.max(...sizes)).toBeLessThanOrEqual(6);
    expect(sizes.filter((s) => s >= 2).length).toBeGreaterThan(sizes.length / 3);
    const split = await db.raw(`
      select count(*) as n from referral_children rc2
      join referrals r2 on r2.id = rc2.referral_id
      join referrals r1 on r1.family_id = r2.family_id and r1.id <> r2.id
      where not exists (select 1 from referral_children rc1 where rc1.referral_id = r1.id and rc1.child_id = rc2.child_id)`);
    expect(Number((Array.isArray(split) ? split : split.rows)[0].n)).toBeGreaterThan(0);
    const twice = await db('referrals').groupBy('family_id').havingRaw('count(*) > 1').select('family_id');
    expect(twice.length).toBeGreaterThan(0);
  });

  it('about a fifth of children have no CMS id, and those are "not known to CSC" on every referral', async () => {
    const db = a.db;
    const children = await db('children').select('id', 'cms_id');
    const none = children.filter((ch) => ch.cms_id === null).length / children.length;
    expect(none).toBeGreaterThan(0.1);
    expect(none).toBeLessThan(0.3);
    for (const ch of children) if (ch.cms_id !== null) expect(ch.cms_id).toMatch(/^CMS\d{7}$/);
    const links = await db('referral_children as x').join('children as c', 'c.id', 'x.child_id').select('c.cms_id', 'x.legal_status');
    for (const l of links) expect(l.legal_status === 'NKCSC').toBe(l.cms_id === null);
  });

  it('includes unborn children: expected date after the referral date, no date of birth, sex unknown', async () => {
    const unborn = await a.db('referral_children as x')
      .join('children as c', 'c.id', 'x.child_id')
      .join('referrals as r', 'r.id', 'x.referral_id')
      .whereNull('c.date_of_birth')
      .whereRaw('c.expected_date_of_birth > r.referral_date')
      .select('c.sex', 'c.first_name');
    expect(unborn.length).toBeGreaterThan(0);
    for (const u of unborn) expect(u.sex).toBe('U');
    // a child never has both dates (the child form allows one or the other)
    expect(await a.db('children').whereNotNull('date_of_birth').whereNotNull('expected_date_of_birth').first()).toBeUndefined();
  });

  it('writes only codes that are in the code lists', async () => {
    const db = a.db;
    const lists = new Map<string, Set<string>>();
    for (const r of await db('code_lists').select('list', 'code')) (lists.get(r.list) ?? lists.set(r.list, new Set()).get(r.list)!).add(r.code);
    const checks: [string, string, string][] = [
      ['children', 'sex', 'sex'],
      ['children', 'ethnicity', 'ethnicity'],
      ['child_disabilities', 'code', 'disability'],
      ['referrals', 'referral_source', 'referral_source'],
      ['referrals', 'stage_offered', 'stage_offered'],
      ['referrals', 'consent_decision', 'consent_decision'],
      ['referrals', 'decline_reason', 'decline_reason'],
      ['referrals', 'fgc_not_held_reason', 'not_held_reason'],
      ['referrals', 'child_participation', 'child_participation'],
      ['referral_plan_content', 'code', 'plan_content'],
      ['referral_children', 'legal_status', 'legal_status'],
      ['referral_children', 'outcome_6m_legal_status', 'outcome_legal_status'],
      ['referral_children', 'outcome_12m_legal_status', 'outcome_legal_status'],
      ['referral_children', 'outcome_6m_living', 'living_arrangement'],
      ['referral_children', 'outcome_12m_living', 'living_arrangement'],
    ];
    for (const [table, column, list] of checks) {
      const values = (await db(table).distinct(column).whereNotNull(column)).map((r) => r[column]);
      expect(values.length, `${table}.${column} has values`).toBeGreaterThan(0);
      const unknown = values.filter((v) => !lists.get(list)!.has(v));
      expect(unknown, `${table}.${column} codes not in ${list}`).toEqual([]);
    }
  });
});

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a row of every column, checked field by field against the generator's rules
type DbRow = Record<string, any>;
interface Loaded {
  referrals: DbRow[];
  children: Map<number, DbRow>;
  onReferral: Map<number, DbRow[]>;
  reviews: Map<number, string[]>;
  planContent: Map<number, string[]>;
}
async function loadAll(db: Knex): Promise<Loaded> {
  const referrals = await db('referrals').orderBy('id');
  const children = new Map((await db('children')).map((c) => [c.id, c]));
  const onReferral = new Map<number, DbRow[]>();
  for (const x of await db('referral_children')) onReferral.set(x.referral_id, [...(onReferral.get(x.referral_id) ?? []), x]);
  const reviews = new Map<number, string[]>();
  for (const x of await db('review_conferences')) reviews.set(x.referral_id, [...(reviews.get(x.referral_id) ?? []), x.review_date]);
  const planContent = new Map<number, string[]>();
  for (const x of await db('referral_plan_content')) planContent.set(x.referral_id, [...(planContent.get(x.referral_id) ?? []), x.code]);
  return { referrals, children, onReferral, reviews, planContent };
}

describe('demo data: clean rows are clean, deliberately bad rows are flagged', () => {
  let d: Loaded;
  beforeAll(async () => {
    d = await loadAll(a.db);
  });

  it('flags deliberate problems by a -DQ referral ref, and lists them', () => {
    const flagged = d.referrals.filter((r) => isDeliberateProblemRef(r.referral_ref));
    expect(flagged.length).toBeGreaterThan(0);
    expect(flagged.map((r) => r.referral_ref).sort()).toEqual(loaded.problems.map((p) => p.referral_ref).sort());
    for (const p of loaded.problems) expect(p.referral_ref.endsWith(DQ_SUFFIX)).toBe(true);
  });

  it('keeps every clean referral in stage order, on or before the reference date', () => {
    const clean = d.referrals.filter((r) => !isDeliberateProblemRef(r.referral_ref));
    expect(clean.length).toBeGreaterThan(N * 0.9);
    for (const r of clean) {
      const msg = r.referral_ref;
      if (r.offer_date) expect(r.offer_date >= r.referral_date, msg).toBe(true);
      if (r.consent_date) expect(r.consent_date >= r.offer_date, msg).toBe(true);
      if (r.initial_fgc_date) expect(r.initial_fgc_date >= r.consent_date, msg).toBe(true);
      if (r.plan_date) expect(r.plan_date >= r.initial_fgc_date, msg).toBe(true);
      if (r.plan_sent_date) expect(r.plan_sent_date >= r.plan_date, msg).toBe(true);
      if (r.consent_decision === 'DECLINED' || r.consent_decision === 'NORESP') expect(r.decline_reason, msg).not.toBeNull();
      for (const rd of d.reviews.get(r.id) ?? []) expect(rd >= r.initial_fgc_date, msg).toBe(true);
      for (const col of ['referral_date', 'lbp_date', 'offer_date', 'consent_date', 'consent_withdrawn_date', 'initial_fgc_date', 'plan_date', 'plan_sent_date', 'plan_uploaded_date', 'closure_date']) {
        if (r[col]) expect(r[col] <= TODAY, `${msg} ${col}`).toBe(true);
      }
      // and the app's own stage rules find nothing wrong
      const facts = { ...r, plan_agreed: bool(r.plan_agreed), review_dates: d.reviews.get(r.id) ?? [], plan_content: d.planContent.get(r.id) ?? [] };
      expect(stageFindings(facts), msg).toEqual([]);
      // children on clean referrals are under 18 and have an ethnicity recorded
      for (const x of d.onReferral.get(r.id)!) {
        const ch = d.children.get(x.child_id)!;
        expect(ch.ethnicity, msg).not.toBeNull();
        if (ch.date_of_birth && ch.date_of_birth <= r.referral_date) expect(ageOn(ch.date_of_birth, r.referral_date), msg).toBeLessThan(18);
      }
    }
  });

  it('makes each flagged referral show its problem', () => {
    const byRef = new Map(d.referrals.map((r) => [r.referral_ref, r]));
    const childByRef = new Map([...d.children.values()].map((c) => [c.child_ref, c]));
    for (const p of loaded.problems) {
      const r = byRef.get(p.referral_ref)!;
      const facts = { ...r, plan_agreed: bool(r.plan_agreed), review_dates: d.reviews.get(r.id) ?? [] };
      const fields = stageFindings(facts).map((x) => x.field);
      if (p.kind === 'OFFER_BEFORE_REFERRAL') expect(fields).toContain('offer_date');
      if (p.kind === 'CONSENT_BEFORE_OFFER') expect(fields).toContain('consent_date');
      if (p.kind === 'DECLINED_NO_REASON') expect(fields).toContain('decline_reason');
      if (p.kind === 'PLAN_BEFORE_FGC') expect(fields).toContain('plan_date');
      if (p.kind === 'MISSING_ETHNICITY') expect(childByRef.get(p.child_ref!)!.ethnicity).toBeNull();
      if (p.kind === 'CHILD_18_PLUS') expect(ageOn(childByRef.get(p.child_ref!)!.date_of_birth, r.referral_date)).toBeGreaterThanOrEqual(18);
    }
  });

  it('records duplicate children: same family and date of birth, a spelling variant, on different referrals', () => {
    expect(loaded.duplicates.length).toBeGreaterThan(0);
    const childByRef = new Map([...d.children.values()].map((c) => [c.child_ref, c]));
    const referralsOf = (childId: number) =>
      [...d.onReferral.entries()].filter(([, xs]) => xs.some((x) => x.child_id === childId)).map(([id]) => id);
    for (const dup of loaded.duplicates) {
      const one = childByRef.get(dup.child_ref)!;
      const two = childByRef.get(dup.duplicate_ref)!;
      expect(two.family_id).toBe(one.family_id);
      expect(two.date_of_birth).toBe(one.date_of_birth);
      expect(two.first_name).not.toBe(one.first_name);
      expect(two.merged_into_id).toBeNull();
      const r1 = referralsOf(one.id);
      const r2 = referralsOf(two.id);
      expect(r1.length).toBeGreaterThan(0);
      expect(r2.length).toBeGreaterThan(0);
      expect(r1.filter((id) => r2.includes(id))).toEqual([]);
    }
  });

  it('records outcomes only once they are due, and only after a conference', () => {
    let recorded = 0;
    for (const r of d.referrals) {
      for (const x of d.onReferral.get(r.id)!) {
        if (x.outcome_6m_legal_status || x.outcome_6m_living) {
          recorded++;
          expect(r.initial_fgc_date).not.toBeNull();
          expect(addMonths(r.initial_fgc_date, 6) <= TODAY).toBe(true);
        }
        if (x.outcome_12m_legal_status || x.outcome_12m_living) {
          expect(addMonths(r.initial_fgc_date, 12) <= TODAY).toBe(true);
        }
      }
    }
    expect(recorded).toBeGreaterThan(0);
  });

  it('spreads a full range of stages, decisions and conferences over five financial years', () => {
    const distinct = (col: string) => new Set(d.referrals.map((r) => r[col]).filter((v) => v !== null));
    expect([...distinct('stage_offered')].sort()).toEqual(['CIN', 'CP', 'EH', 'LAC', 'OTH', 'PLO', 'PROC']);
    expect([...distinct('consent_decision')].sort()).toEqual(['DECLINED', 'GIVEN', 'NORESP']);
    const years = new Set(d.referrals.map((r) => { const [y, m] = r.referral_date.split('-').map(Number); return m >= 4 ? y : y - 1; }));
    expect([...years].sort()).toEqual([2021, 2022, 2023, 2024, 2025]);
    expect(d.referrals.filter((r) => r.stage_offered === 'PLO' && r.lbp_date).length).toBeGreaterThan(0);
    expect(d.referrals.filter((r) => r.initial_fgc_date && r.attend_maternal !== null).length).toBeGreaterThan(N / 3);
    expect(d.referrals.filter((r) => r.consent_withdrawn_date).length).toBeGreaterThan(0);
    expect(d.referrals.filter((r) => r.closure_date).length).toBeGreaterThan(N / 2);
    expect(d.referrals.filter((r) => !r.closure_date).length).toBeGreaterThan(0);
  });
});

describe('demo data: coordinators, audit, refusal and append', () => {
  it('creates the demo coordinators (no password, active) and allocates referrals to them', async () => {
    const users = await a.db('users').where('email', 'like', '%@demo.invalid').orderBy('id');
    expect(users).toHaveLength(DEMO_COORDINATORS.length);
    expect(users.length).toBeGreaterThanOrEqual(10);
    for (const u of users) {
      expect(u.role).toBe('coordinator');
      expect(u.password_hash).toBeNull();
      expect(bool(u.active)).toBe(true);
      expect(u.email).toMatch(/^coordinator\d+@demo\.invalid$/);
    }
    expect(new Set(users.map((u) => u.team))).toEqual(new Set(['North team', 'South team', 'Pre-proceedings team']));
    const allocated = await a.db('referrals').whereNotNull('coordinator_id').distinct('coordinator_id');
    expect(allocated.length).toBe(users.length);
  });

  it('records one audit row with no user', async () => {
    const rows = await a.db('audit_log').where({ action: 'demo-data' });
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ entity: 'database', user_id: null });
    expect(rows[0].new_value).toContain(`${N} referrals`);
  });

  it('refuses a database that already holds referrals, unless appending; appends with non-colliding refs', async () => {
    const db = c.db;
    const before = await countOf(db, 'referrals');
    await expect(loadDemoData(db, { referrals: 10, seed: 9, today: TODAY })).rejects.toThrow(DemoRefusedError);
    await expect(loadDemoData(db, { referrals: 10, seed: 9, today: TODAY })).rejects.toThrow(/already holds 400 referrals.*--append/s);
    expect(await countOf(db, 'referrals')).toBe(before);

    const more = await loadDemoData(db, { referrals: 50, seed: 9, today: TODAY, append: true });
    expect(more.referrals).toBe(50);
    expect(more.coordinatorsCreated).toBe(0);
    expect(await countOf(db, 'referrals')).toBe(before + 50);
    expect(Number((await db('users').where('email', 'like', '%@demo.invalid').count({ n: '*' }).first())!.n)).toBe(DEMO_COORDINATORS.length);
    expect(await db('referrals').where('referral_ref', 'like', 'DEMO9-%').count({ n: '*' }).first().then((r) => Number(r?.n))).toBe(50);

    // the same seed again would collide
    await expect(loadDemoData(db, { referrals: 5, seed: 9, today: TODAY, append: true })).rejects.toThrow(/seed 9.*already in this database/);
    expect(await countOf(db, 'referrals')).toBe(before + 50);

    // ids were written explicitly: the app's own inserts still get fresh ids afterwards
    const maxFamily = Number((await db('families').max({ m: 'id' }).first())!.m);
    const [row] = await db('families').insert({ family_ref: 'AFTER-DEMO', version: 1, created_at: 'x', updated_at: 'x' }).returning('id');
    expect(Number(typeof row === 'object' ? row.id : row)).toBe(maxFamily + 1);
  });

  it('writes nothing at all when the load fails part-way', async () => {
    const db = b.db;
    const tables = ['families', 'children', 'child_disabilities', 'referrals', 'referral_children', 'referral_plan_content', 'review_conferences', 'users', 'audit_log'];
    const before = await Promise.all(tables.map((t) => countOf(db, t)));
    await expect(
      loadDemoData(db, { referrals: 30, seed: 3, today: TODAY, append: true, onProgress: () => { throw new Error('stop'); } }),
    ).rejects.toThrow('stop');
    expect(await Promise.all(tables.map((t) => countOf(db, t)))).toEqual(before);
    expect(await digest(db)).toBe(digests.b);
  });
});

describe('demo data: proportions at the default rates (generator only)', () => {
  let g: ReturnType<typeof generateAll>;
  beforeAll(() => {
    g = generateAll({ referrals: 20_000, seed: 1, today: TODAY });
  });
  const share = (n: number, of: number) => n / of;

  it('has plausible proportions of children, consent, ethnicity and sex', () => {
    expect(g.referrals).toHaveLength(20_000);
    expect(share(g.children.filter((c) => c.cms_id === null).length, g.children.length)).toBeGreaterThan(0.15);
    expect(share(g.children.filter((c) => c.cms_id === null).length, g.children.length)).toBeLessThan(0.25);
    const wbri = share(g.children.filter((c) => c.ethnicity === 'WBRI').length, g.children.length);
    expect(wbri).toBeGreaterThan(0.68);
    expect(wbri).toBeLessThan(0.82);
    expect(g.children.some((c) => c.ethnicity === 'NOBT')).toBe(true);
    expect(g.children.some((c) => c.ethnicity === 'REFU')).toBe(true);
    const m = g.children.filter((c) => c.sex === 'M').length;
    const f = g.children.filter((c) => c.sex === 'F').length;
    expect(Math.abs(m - f) / (m + f)).toBeLessThan(0.06);
    const decided = g.referrals.filter((r) => r.consent_decision);
    expect(share(decided.filter((r) => r.consent_decision === 'GIVEN').length, decided.length)).toBeCloseTo(0.7, 1);
    expect(share(decided.filter((r) => r.consent_decision === 'DECLINED').length, decided.length)).toBeCloseTo(0.2, 1);
    expect(share(decided.filter((r) => r.consent_decision === 'NORESP').length, decided.length)).toBeCloseTo(0.1, 1);
    const given = g.referrals.filter((r) => r.consent_decision === 'GIVEN');
    const withdrawn = share(given.filter((r) => r.consent_withdrawn_date).length, given.length);
    expect(withdrawn).toBeGreaterThan(0.03);
    expect(withdrawn).toBeLessThan(0.07);
  });

  it('has about 0.5% deliberate problems and 0.5% duplicate children, and some unborn children', () => {
    expect(share(g.problems.length, g.referrals.length)).toBeGreaterThan(0.003);
    expect(share(g.problems.length, g.referrals.length)).toBeLessThan(0.008);
    expect(new Set(g.problems.map((p) => p.kind)).size).toBe(6);
    expect(share(g.duplicates.length, g.children.length)).toBeGreaterThan(0.003);
    expect(share(g.duplicates.length, g.children.length)).toBeLessThan(0.008);
    const byId = new Map(g.referrals.map((r) => [r.id, r]));
    const children = new Map(g.children.map((c) => [c.id, c]));
    const unborn = g.referralChildren.filter((x) => {
      const c = children.get(x.child_id)!;
      const rd = byId.get(x.referral_id)!.referral_date;
      return c.date_of_birth ? c.date_of_birth > rd : !!c.expected_date_of_birth && c.expected_date_of_birth > rd;
    }).length;
    expect(share(unborn, g.referralChildren.length)).toBeGreaterThan(0.015);
    expect(share(unborn, g.referralChildren.length)).toBeLessThan(0.05);
  });

  it('has more young children than old', () => {
    const byId = new Map(g.referrals.map((r) => [r.id, r]));
    const children = new Map(g.children.map((c) => [c.id, c]));
    const ages = g.referralChildren
      .map((x) => ({ c: children.get(x.child_id)!, d: byId.get(x.referral_id)!.referral_date }))
      .filter(({ c, d }) => c.date_of_birth && c.date_of_birth <= d)
      .map(({ c, d }) => ageOn(c.date_of_birth!, d));
    const under5 = ages.filter((x) => x < 5).length;
    const over12 = ages.filter((x) => x > 12).length;
    expect(under5).toBeGreaterThan(over12);
    expect(Math.max(...ages)).toBeGreaterThanOrEqual(18); // the deliberate CHILD_18_PLUS rows
  });
});

describe('npm run demo', () => {
  it('loads into the configured database, prints a summary, and refuses a second run without --append', async () => {
    const t = await createTestDb({ migrate: false });
    const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
    const tsx = path.join(root, 'node_modules', '.bin', 'tsx');
    const env: NodeJS.ProcessEnv = { ...process.env, DATABASE_URL: t.options.databaseUrl ?? '' };
    const args = ['scripts/demo.ts', '--referrals', '25', '--seed', 'cli', '--today', TODAY];
    if (t.options.sqliteFile) args.push('--database-file', t.options.sqliteFile);
    try {
      const { stdout, stderr } = await exec(tsx, args, { cwd: root, env });
      expect(stdout).toMatch(/referrals:\s+25\b/);
      expect(stdout).toMatch(/seconds:/);
      expect(stderr).toMatch(/25 referrals/);
      expect(await countOf(t.db, 'referrals')).toBe(25);
      const again = await exec(tsx, args, { cwd: root, env }).then(() => null, (e) => e);
      expect(again?.code).toBe(1);
      expect(again?.stderr).toMatch(/already holds 25 referrals/);
      expect(again?.stderr).not.toMatch(/at .*\.ts:\d+/); // a message, not a stack trace
      const appendArgs = ['scripts/demo.ts', '--referrals', '25', '--seed', 'cli2', '--today', TODAY, '--append', ...args.slice(7)];
      const appended = await exec(tsx, appendArgs, { cwd: root, env });
      expect(appended.stdout).toMatch(/references DEMOcli2-/);
      expect(await countOf(t.db, 'referrals')).toBe(50);
    } finally {
      await t.destroy();
    }
  }, 120_000);
});
