import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Knex } from 'knex';
import { createTestDb, type TestDb } from './support/db.js';
import { loadCodeLists } from '../server/codes/code-lists.js';
import type { CodeLists } from '../server/annual-return/counting.js';
import { computeReturn } from '../server/annual-return/counting.js';
import { generateWorld } from './support/random-world.js';
import { loadCaseSet, type CaseSet } from '../server/cases/case-set.js';
import type { Referral } from '../server/cases/types.js';
import { applyFilters } from '../server/insight/data.js';
import { childrenOf, matchesCode } from '../server/insight/common.js';
import { NO_TEAM, type Filters } from '../server/insight/filters.js';
import { quarterPeriod, yearPeriod } from '../server/insight/period.js';
import { seedWorld } from '../server/insight/test-world.js';
import { inRange } from '../server/common/dates.js';

// What an insight page reads for a selection (the case repositories, narrowed in SQL by the
// period and the filters) against the same selection made in memory from every record, on the
// hand-made world and on generated worlds with merged children (chains), repeated review
// dates, blank codes and every consent decision, for several periods and filters, on SQLite
// and PostgreSQL.

let t: TestDb;
let db: Knex;
let codes: CodeLists;
const NO_FILTERS: Filters = { stage: '', source: '', team: '' };

beforeAll(async () => {
  t = await createTestDb();
  db = t.db;
  await seedWorld(db);
  codes = await loadCodeLists(db);
  for (const seed of [1, 2, 3, 4]) await generateWorld(db, codes, seed);
  expect(Number((await db('children').whereNotNull('merged_into_id').count({ n: '*' }))[0].n)).toBeGreaterThan(5);
});
afterAll(() => t.destroy());

const PERIODS = [yearPeriod(2023), yearPeriod(2024), quarterPeriod(2024, 2), { kind: 'dates' as const, from: '2024-01-15', to: '2025-02-03', label: 'dates' }];

/** Any step of the referral dated in the period: the definition the SQL must follow. */
const anyStepIn = (r: Referral, p: { from: string; to: string }) =>
  [r.referral_date, r.offer_date, r.consent_date, r.initial_fgc_date, r.closure_date, ...r.review_dates].some((d) => inRange(d, p));

describe('the case data of a selection', () => {
  it('is the referrals with a step in the period that pass the filters, with their children and the records those were merged into', async () => {
    const everything: CaseSet = await loadCaseSet(db, {});
    expect(everything.referrals.length).toBeGreaterThan(100);
    const users: { id: number; team: string | null }[] = await db('users').select('id', 'team');
    const teams = [...new Set(users.map((u) => u.team).filter((x): x is string => !!x))];
    const inTeam = (r: Referral, team: string) => {
      if (!team) return true;
      const coordinator = users.find((u) => u.id === r.coordinator_id);
      return team === NO_TEAM ? !coordinator?.team : coordinator?.team === team;
    };
    const filters: Filters[] = [NO_FILTERS, { ...NO_FILTERS, stage: 'CP' }, { ...NO_FILTERS, stage: 'NR' }, { ...NO_FILTERS, source: 'SCHOOL' }, { ...NO_FILTERS, team: NO_TEAM },
      ...teams.map((team) => ({ ...NO_FILTERS, team }))];
    let compared = 0;
    for (const period of PERIODS) {
      for (const f of filters) {
        const label = `${period.label} ${JSON.stringify(f)}`;
        const read = await loadCaseSet(db, { active: period, narrow: (q) => applyFilters(db, q, f, 'r') });
        const expected = everything.referrals.filter((r) => anyStepIn(r, period) && matchesCode(r.stage_offered, f.stage) && matchesCode(r.referral_source, f.source) && inTeam(r, f.team));
        expect(read.referrals, label).toEqual(expected);
        const whole = { ...everything, codes };
        const expectedChildren = childrenOf(whole, expected).sort((a, b) => a.id - b.id);
        expect([...read.children].sort((a, b) => a.id - b.id), label).toEqual(expectedChildren);
        expect(computeReturn({ year: 2024, period, referrals: read.referrals, children: read.children, codes }).populations, label)
          .toEqual(computeReturn({ year: 2024, period, referrals: expected, children: expectedChildren, codes }).populations);
        if (expected.length) compared++;
      }
    }
    expect(compared).toBeGreaterThan(PERIODS.length * 3);
    // never a name
    expect(everything.children.every((c) => c.first_name === null && c.last_name === null)).toBe(true);
  });
});
