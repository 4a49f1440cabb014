import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Knex } from 'knex';
import { createTestDb, type TestDb } from './support/db.js';
import { loadCodeLists } from '../server/codes/code-lists.js';
import type { CodeLists } from '../server/annual-return/counting.js';
import { addDays } from '../server/common/dates.js';
import { loadInsightCases } from '../server/insight/data.js';
import { activityTable, funnelFigures } from '../server/insight/funnel.js';
import { funnelCounts } from '../server/insight/funnel-counts.js';
import { quarterPeriod, yearPeriod } from '../server/insight/period.js';
import { TODAY, YEAR, pureWorld, seedWorld } from '../server/insight/test-world.js';
import { InsightService } from '../server/insight/service.js';
import { monthlyTrend, trendRange } from '../server/insight/trends.js';
import { trendCounts } from '../server/insight/trend-counts.js';
import type { Filters } from '../server/insight/filters.js';

// The insight pages' quick paths against the full one, on the hand-made world and on generated
// worlds with merged children (chains), repeated review dates, blank codes and every consent
// decision, for several periods and filters:
// - take-up counted in the database (funnel-counts.ts) against computeReturn over what the
//   loader reads (funnel.ts);
// - timeliness, plans and outcomes from the little each loads for itself against the same pages
//   from the full case data (what the background warm-up loads).

let t: TestDb;
let db: Knex;
let codes: CodeLists;
const NO_FILTERS: Filters = { stage: '', source: '', team: '' };

beforeAll(async () => {
  t = await createTestDb();
  db = t.db;
  await seedWorld(db);
  codes = await loadCodeLists(db);
});
afterAll(() => t.destroy());

async function inMemory(period: { from: string; to: string; label: string }, filters: Filters) {
  const data = await loadInsightCases(db, period, filters, { characteristics: true, outcomes: true, reviews: true, planContent: true });
  return funnelFigures({ ...data, codes }, period);
}

async function expectSame(period: { from: string; to: string; label: string }, filters: Filters = NO_FILTERS) {
  const [sql, mem] = await Promise.all([funnelCounts(db, period, filters), inMemory(period, filters)]);
  expect(sql.steps, `${period.label} ${JSON.stringify(filters)}`).toEqual(mem.steps);
  expect(activityTable(sql.activity), `${period.label} ${JSON.stringify(filters)}`).toEqual(mem.tables[1]);
  return sql;
}

describe('take-up counted in the database', () => {
  it('matches the hand-made world counted in memory (a merged duplicate counts once)', async () => {
    const period = yearPeriod(YEAR);
    const sql = await expectSame(period);
    expect(sql.steps).toEqual(funnelFigures(pureWorld(), period).steps);
    expect(sql.steps[0].fgcs).toBeGreaterThan(0);
    await expectSame(period, { ...NO_FILTERS, stage: 'EH' });
    await expectSame(period, { ...NO_FILTERS, source: 'NR' });
    await expectSame(quarterPeriod(YEAR, 3));
  });

  it('matches computeReturn on generated worlds', async () => {
    await generated();
    for (const period of PERIODS) {
      for (const filters of FILTERS) await expectSame(period, filters);
    }
  });
});

const PERIODS = [yearPeriod(2023), yearPeriod(2024), quarterPeriod(2024, 2), { kind: 'dates' as const, from: '2024-01-15', to: '2025-02-03', label: 'dates' }];
const FILTERS: Filters[] = [NO_FILTERS, { ...NO_FILTERS, stage: 'CP' }, { ...NO_FILTERS, stage: 'NR' }, { ...NO_FILTERS, source: 'SCHOOL' }];

let generatedDone = false;
async function generated() {
  if (generatedDone) return;
  generatedDone = true;
  for (const seed of [1, 2, 3, 4]) await generateWorld(db, seed);
  expect(Number((await db('children').whereNotNull('merged_into_id').count({ n: '*' }))[0].n)).toBeGreaterThan(5);
}

describe('trends counted in the database', () => {
  it('match computeReturn month by month', async () => {
    await generated();
    for (const today of ['2025-06-15', '2024-12-31', TODAY]) {
      const range = trendRange(today);
      for (const filters of FILTERS) {
        const data = await loadInsightCases(db, range, filters, { characteristics: true, outcomes: true, reviews: true, planContent: true });
        const trend = await trendCounts(db, range, filters);
        expect(trend, `${today} ${JSON.stringify(filters)}`).toEqual(monthlyTrend({ ...data, codes }, range.months));
        expect(trend.some((m) => m.referrals > 0 && m.conferences > 0 && m.reviews > 0)).toBe(true);
      }
    }
  });
});

describe('pages that load only what they count', () => {
  it('give the figures the full case data gives', async () => {
    await generated();
    const s = new InsightService(db);
    const b = await s.basicsNow();
    for (const period of [...PERIODS, yearPeriod(YEAR)]) {
      for (const filters of FILTERS) {
        const sel = { period, filters };
        const pages = async () => [await s.timeliness(b, sel), await s.plans(b, sel), await s.outcomes(b, sel, TODAY), await s.refusals(b, sel, 'stageOffered'), await s.equity(b, sel, null)];
        s.clear();
        const own = await pages();
        s.clear();
        await s.warm(b, sel, TODAY);
        const full = await pages();
        expect(own, `${period.label} ${JSON.stringify(filters)}`).toEqual(full);
      }
    }
  });
});

describe('a quarter or a stage or source of a year already loaded', () => {
  it('is counted from the loaded year, with no query, and gives the figures of loading it', async () => {
    await generated();
    const s = new InsightService(db);
    const b = await s.basicsNow();
    for (const year of [2023, 2024]) {
      const narrower = [
        ...[1, 2, 3, 4].map((q) => ({ period: quarterPeriod(year, q), filters: NO_FILTERS })),
        ...FILTERS.slice(1).map((filters) => ({ period: yearPeriod(year), filters })),
        { period: quarterPeriod(year, 3), filters: { ...NO_FILTERS, stage: 'CP', source: 'SCHOOL' } },
      ];
      const pages = async (sel: { period: ReturnType<typeof yearPeriod>; filters: Filters }) =>
        [await s.timeliness(b, sel), await s.plans(b, sel), await s.refusals(b, sel, 'stageOffered'), await s.refusals(b, sel, 'ageBand'), await s.equity(b, sel, null)];
      for (const sel of narrower) {
        s.clear();
        const own = await pages(sel);
        s.clear();
        await s.warm(b, { period: yearPeriod(year), filters: NO_FILTERS }, TODAY);
        let queries = 0;
        const count = () => queries++;
        db.on('query', count);
        const narrowed = await pages(sel).finally(() => db.off('query', count));
        expect(queries, `${sel.period.label} ${JSON.stringify(sel.filters)}`).toBe(0);
        expect(narrowed, `${sel.period.label} ${JSON.stringify(sel.filters)}`).toEqual(own);
      }
    }
  });
});

/** A small deterministic random number generator (mulberry32), so a failing world can be found again. */
function random(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let x = Math.imul(a ^ (a >>> 15), 1 | a);
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}

async function generateWorld(db: Knex, seed: number) {
  const rnd = random(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)];
  const now = '2025-01-01T00:00:00.000Z';
  const day = () => addDays('2022-10-01', Math.floor(rnd() * 1100));
  const maybe = () => (rnd() < 0.35 ? null : day());
  const insertId = async (table: string, row: Record<string, unknown>) => {
    const [r] = await db(table).insert(row).returning('id');
    return Number(typeof r === 'object' ? r.id : r);
  };
  const childIds: number[] = [];
  for (let f = 0; f < 12; f++) {
    const familyId = await insertId('families', { family_ref: `G${seed}-F${f}`, version: 1, created_at: now, updated_at: now });
    const kids: number[] = [];
    for (let k = 0; k < 1 + Math.floor(rnd() * 3); k++) {
      const id = await insertId('children', {
        family_id: familyId, child_ref: `G${seed}-F${f}-C${k}`, cms_id: rnd() < 0.7 ? `CMS${seed}${f}${k}` : null,
        date_of_birth: rnd() < 0.85 ? addDays('2006-01-01', Math.floor(rnd() * 6900)) : null, sex: pick(['F', 'M', null]),
        ethnicity: pick([...codes.ethnicity.slice(0, 4).map((c) => c.code), null]), version: 1, created_at: now, updated_at: now,
      });
      if (rnd() < 0.3) await db('child_disabilities').insert({ child_id: id, code: pick(['NONE', codes.disability?.[1]?.code ?? 'AUT']) });
      kids.push(id);
      childIds.push(id);
    }
    for (let r = 0; r < 1 + Math.floor(rnd() * 4); r++) {
      const decision = pick(['GIVEN', 'DECLINED', 'NORESP', null] as const);
      const reason = (list: string) => pick([...codes[list].slice(0, 3).map((c) => c.code), null, 'ZZZ']);
      const referralId = await insertId('referrals', {
        referral_ref: `G${seed}-F${f}-R${r}`, family_id: familyId, referral_date: day(),
        stage_offered: pick(['CP', 'CIN', 'EH', null, '', 'ZZZ']), referral_source: pick(['SCHOOL', 'POLICE', null, '']),
        offer_date: maybe(), consent_decision: decision, consent_date: maybe(), consent_withdrawn_date: rnd() < 0.1 ? day() : null,
        decline_reason: reason('decline_reason'), fgc_not_held_reason: reason('not_held_reason'),
        initial_fgc_date: maybe(), plan_agreed: pick([true, false, null]), plan_date: maybe(), closure_date: maybe(),
        version: 1, created_at: now, updated_at: now,
      });
      const on = kids.filter(() => rnd() < 0.7);
      for (const childId of on.length ? on : [kids[0]]) await db('referral_children').insert({ referral_id: referralId, child_id: childId, legal_status: pick(['CP', 'CIN', null]) });
      // up to three reviews, often two on one date (one meeting)
      const first = day();
      for (let v = 0; v < Math.floor(rnd() * 4); v++) await db('review_conferences').insert({ referral_id: referralId, review_date: v > 0 && rnd() < 0.5 ? first : day(), created_at: now });
    }
  }
  // merges into an earlier child (chains, no loops), some across families
  for (let i = 1; i < childIds.length; i++) {
    if (rnd() < 0.2) await db('children').where({ id: childIds[i] }).update({ merged_into_id: childIds[Math.floor(rnd() * i)] });
  }
}
