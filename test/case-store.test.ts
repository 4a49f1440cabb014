import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Knex } from 'knex';
import { createTestDb, type TestDb } from './support/db.js';
import { generateWorld } from './support/random-world.js';
import { createDb, isPostgres } from '../db/connection.js';
import { loadCodeLists } from '../server/codes/code-lists.js';
import { createUser } from '../server/auth/users.js';
import { CaseStore, FEED_KEPT_SECONDS } from '../server/insight/case-store.js';
import { loadCaseData } from '../server/annual-return/return-data.js';
import { computeReturn } from '../server/annual-return/counting.js';
import { quarterPeriod, yearPeriod } from '../server/insight/period.js';
import { NO_TEAM, type Filters } from '../server/insight/filters.js';

// The case store (server/insight/case-store.ts) against fresh reads of the database, after every
// kind of write the case data can have, made through another connection as another process
// would: it must hold what the database holds, having reloaded only what changed.

let t: TestDb;
let db: Knex;
let store: CaseStore;
const NO_FILTERS: Filters = { stage: '', source: '', team: '' };
const PERIODS = [yearPeriod(2023), yearPeriod(2024), quarterPeriod(2024, 2), { from: '2022-10-01', to: '2026-03-31', label: 'all of it' }];
const FILTERS: Filters[] = [NO_FILTERS, { ...NO_FILTERS, stage: 'CP' }, { ...NO_FILTERS, source: 'NR' }, { ...NO_FILTERS, team: 'North' }, { ...NO_FILTERS, team: NO_TEAM }];

beforeAll(async () => {
  t = await createTestDb();
  db = t.db;
  const codes = await loadCodeLists(db);
  for (const seed of [1, 2]) await generateWorld(db, codes, seed);
  const north = await createUser(db, { email: 'north@council.example', name: 'North', role: 'coordinator', team: 'North', password: null });
  await db('referrals').whereRaw('id % 3 = 0').update({ coordinator_id: north });
  store = new CaseStore(db);
  await store.refresh();
});
afterAll(async () => t?.destroy());

const byId = <T extends { id: number }>(xs: T[]) => [...xs].sort((a, b) => a.id - b.id);

/** A copy with every list of ids in order. */
function sortedIds<T>(value: T): T {
  return JSON.parse(JSON.stringify(value), (key, v) => (Array.isArray(v) && /ids$/i.test(key) ? [...v].sort((a, b) => a - b) : v));
}

/** The store gives, for every period and filter, what a store loading afresh gives, and the annual return counts the same from it as from its own loader. */
async function expectCurrent(label: string) {
  const fresh = new CaseStore(db);
  for (const period of PERIODS) {
    for (const filters of FILTERS) {
      const [kept, read] = await Promise.all([store.casesIn(period, filters), fresh.casesIn(period, filters)]);
      expect(kept.referrals, `${label}: ${period.label} ${JSON.stringify(filters)}`).toEqual(read.referrals);
      expect(byId(kept.children), `${label}: ${period.label} ${JSON.stringify(filters)}`).toEqual(byId(read.children));
    }
  }
  const codes = await loadCodeLists(db);
  const year = yearPeriod(2024);
  const ours = computeReturn({ year: 2024, ...(await store.casesIn(year, NO_FILTERS)), codes });
  const theirs = computeReturn({ year: 2024, ...(await loadCaseData(db, year)), codes });
  // the same people and FGCs; the annual return's loader reads children's rows in no set order
  expect(sortedIds(ours.populations), label).toEqual(sortedIds(theirs.populations));
  expect(sortedIds(ours.breakdowns), label).toEqual(sortedIds(theirs.breakdowns));
}

describe('the case store', () => {
  it('holds what the database holds after every kind of change, made by another connection, reloading only what changed', async () => {
    const other = createDb(t.options);
    try {
      await expectCurrent('as loaded');
      const loads = store.stats.loads;
      const referral = async (n: number) => (await other('referrals').orderBy('id').offset(n).first())!;
      const child = async (n: number) => (await other('children').orderBy('id').offset(n).first())!;
      const r1 = await referral(1);
      const steps: [string, () => Promise<unknown>][] = [
        ['a referral moved into another year', () => other('referrals').where({ id: r1.id }).update({ referral_date: '2024-05-02', consent_date: '2024-06-01', consent_decision: 'GIVEN', initial_fgc_date: '2024-07-01' })],
        ['a stage and source changed', async () => other('referrals').where({ id: (await referral(2)).id }).update({ stage_offered: 'CP', referral_source: '' })],
        ['a legal status and an outcome recorded', async () => other('referral_children').where({ referral_id: r1.id }).update({ legal_status: 'CP', outcome_6m_legal_status: 'CIN', outcome_6m_living: 'HOME' })],
        ['a review added', () => other('review_conferences').insert({ referral_id: r1.id, review_date: '2024-09-09', created_at: new Date().toISOString() })],
        ['a review deleted', async () => other('review_conferences').where({ id: (await other('review_conferences').orderBy('id').first())!.id }).del()],
        ['plan content added', () => other('referral_plan_content').insert({ referral_id: r1.id, code: 'EDUC' })],
        ['a disability recorded', async () => other('child_disabilities').insert({ child_id: (await child(3)).id, code: 'VIS' })],
        ['disabilities removed', () => other('child_disabilities').whereIn('child_id', other('child_disabilities').select('child_id').limit(3)).del()],
        ['a child\'s ethnicity and date of birth changed', async () => other('children').where({ id: (await child(4)).id }).update({ ethnicity: 'WBRI', date_of_birth: '2010-01-01' })],
        ['a child merged into another', async () => other('children').where({ id: (await child(6)).id }).update({ merged_into_id: (await child(0)).id })],
        ['a merge undone', () => other('children').whereNotNull('merged_into_id').orderBy('id').limit(1).update({ merged_into_id: null })],
        ['a child moved to another referral', async () => other('referral_children').where({ referral_id: r1.id }).limit(1).update({ referral_id: (await referral(5)).id })],
        ['a referral deleted, with its rows', async () => {
          const gone = await referral(7);
          await other('review_conferences').where({ referral_id: gone.id }).del();
          await other('referral_plan_content').where({ referral_id: gone.id }).del();
          await other('referral_children').where({ referral_id: gone.id }).del();
          await other('referrals').where({ id: gone.id }).del();
        }],
        ['new families, children and referrals', async () => generateWorld(other, await loadCodeLists(other), 3)],
        ['a coordinator moved to another team', () => other('users').where({ team: 'North' }).update({ team: 'South' })],
        ['a coordinator moved back', () => other('users').where({ team: 'South' }).update({ team: 'North' })],
      ];
      for (const [label, change] of steps) {
        await change();
        await expectCurrent(label);
      }
      expect(store.stats.loads, 'no change needed loading everything again').toBe(loads);
      expect(store.stats.changesApplied).toBeGreaterThan(steps.length);
    } finally {
      await other.destroy();
    }
  });

  it('reads the feed with two small queries when nothing has changed', async () => {
    await store.refresh();
    let queries = 0;
    const count = () => queries++;
    db.on('query', count);
    try {
      await store.refresh();
    } finally {
      db.off('query', count);
    }
    expect(queries).toBe(2);
  });

  it('brings every caller up to date with changes made before it asked, even while a read is under way', async () => {
    const [a] = await db('referrals').orderBy('id').limit(1);
    const reading = store.refresh();
    await db('referrals').where({ id: a.id }).update({ closure_date: '2024-12-12' });
    const after = store.casesIn(yearPeriod(2024), NO_FILTERS);
    await reading;
    expect((await after).referrals.find((r) => r.id === a.id)?.closure_date).toBe('2024-12-12');
  });

  it('keeps the changes it could not apply for the next read (a failed read loses nothing)', async () => {
    await store.refresh();
    const child = (await db('children').orderBy('id').first())!;
    const ethnicity = child.ethnicity === 'MWBC' ? 'MWBA' : 'MWBC';
    await db('children').where({ id: child.id }).update({ ethnicity });
    await db.schema.renameTable('child_disabilities', 'child_disabilities_away');
    try {
      await expect(store.refresh()).rejects.toThrow();
    } finally {
      await db.schema.renameTable('child_disabilities_away', 'child_disabilities');
    }
    const cases = await store.casesIn(PERIODS[3], NO_FILTERS);
    expect(cases.children.find((c) => c.id === child.id)?.ethnicity).toBe(ethnicity);
    await expectCurrent('after a failed read');
  });

  it('prunes feed rows older than a day, and keeps the rest', async () => {
    const old = Math.floor(Date.now() / 1000) - FEED_KEPT_SECONDS - 60;
    await db('case_changes').insert({ kind: 'referral', entity_id: 1, at: old });
    const before = Number((await db('case_changes').count({ n: '*' }))[0].n);
    const another = new CaseStore(db);
    await another.refresh(); // loads
    await another.refresh(); // reads the feed and prunes
    expect(Number((await db('case_changes').where('at', '<=', old).count({ n: '*' }))[0].n)).toBe(0);
    expect(Number((await db('case_changes').count({ n: '*' }))[0].n)).toBe(before - 1);
  });

  it('sees a change only once its transaction commits, even after a later change committed first (PostgreSQL ids are not in commit order)', async () => {
    const pg = isPostgres(db);
    const [first, second] = await db('referrals').orderBy('id').limit(2);
    const other = createDb(t.options);
    const sentOn = async (id: number) => (await store.casesIn(PERIODS[3], NO_FILTERS)).referrals.find((r) => r.id === id)?.plan_sent_date;
    try {
      await store.refresh();
      const trx = await other.transaction();
      try {
        await trx('referrals').where({ id: first.id }).update({ plan_sent_date: '2024-10-10' }); // feed row n, not committed
        // SQLite has one writer at a time: the later write can only come after the commit
        if (pg) await db('referrals').where({ id: second.id }).update({ plan_sent_date: '2024-11-11' }); // feed row n + 1, committed
        if (pg) expect(await sentOn(second.id)).toBe('2024-11-11');
        expect(await sentOn(first.id)).not.toBe('2024-10-10');
        await trx.commit();
      } catch (e) {
        await trx.rollback();
        throw e;
      }
      expect(await sentOn(first.id)).toBe('2024-10-10');
      await expectCurrent('after the late commit');
    } finally {
      await other.destroy();
    }
  });

  it('loads everything again when the feed cannot be followed (PostgreSQL: a table truncated; SQLite: the feed numbered again from 1, as after restoring a backup)', async () => {
    await store.refresh();
    const loads = store.stats.loads;
    if (isPostgres(db)) await db.raw('truncate child_disabilities');
    else {
      await db('case_changes').del();
      await db('sqlite_sequence').where({ name: 'case_changes' }).del();
      await db('children').where({ id: (await db('children').orderBy('id').first())!.id }).update({ sex: 'F' });
    }
    await expectCurrent('after the feed could not be followed');
    expect(store.stats.loads).toBe(loads + 1);
  });
});
