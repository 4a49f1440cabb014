import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Knex } from 'knex';
import { createTestDb, type TestDb } from './support/db.js';
import { loadCodeLists } from '../server/codes/code-lists.js';
import type { CodeLists } from '../server/annual-return/counting.js';
import { generateWorld } from './support/random-world.js';
import { CaseStore } from '../server/insight/case-store.js';
import { activityTable, funnelFigures } from '../server/insight/funnel.js';
import { funnelCounts } from '../server/insight/funnel-counts.js';
import { quarterPeriod, yearPeriod } from '../server/insight/period.js';
import { TODAY, YEAR, pureWorld, seedWorld } from '../server/insight/test-world.js';
import { monthlyTrend, trendRange } from '../server/insight/trends.js';
import { trendCounts } from '../server/insight/trend-counts.js';
import type { Filters } from '../server/insight/filters.js';

// The insight pages' quick paths against the full one, on the hand-made world and on generated
// worlds with merged children (chains), repeated review dates, blank codes and every consent
// decision, for several periods and filters:
// - take-up counted in the database (funnel-counts.ts) against computeReturn over what the
//   case store holds (funnel.ts);
// - trends counted in the database (trend-counts.ts) against the same from the case store.

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
  const data = await new CaseStore(db).casesIn(period, filters);
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
  for (const seed of [1, 2, 3, 4]) await generateWorld(db, codes, seed);
  expect(Number((await db('children').whereNotNull('merged_into_id').count({ n: '*' }))[0].n)).toBeGreaterThan(5);
}

describe('trends counted in the database', () => {
  it('match computeReturn month by month', async () => {
    await generated();
    for (const today of ['2025-06-15', '2024-12-31', TODAY]) {
      const range = trendRange(today);
      for (const filters of FILTERS) {
        const data = await new CaseStore(db).casesIn(range, filters);
        const trend = await trendCounts(db, range, filters);
        expect(trend, `${today} ${JSON.stringify(filters)}`).toEqual(monthlyTrend({ ...data, codes }, range.months));
        expect(trend.some((m) => m.referrals > 0 && m.conferences > 0 && m.reviews > 0)).toBe(true);
      }
    }
  });
});
