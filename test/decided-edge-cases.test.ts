import { afterAll, describe, expect, it } from 'vitest';
import { stringify } from 'csv-stringify/sync';
import type { Knex } from 'knex';
import { createTestDb, type TestDb } from './support/db.js';
import { importInterchange, type ImportOutcome } from '../server/interchange/index.js';
import { buildReturn } from '../server/annual-return/return-service.js';
import { returnByRefs } from '../server/annual-return/return-by-refs.js';
import { runQuality } from '../server/quality/report.js';
import { financialYear } from '../server/common/dates.js';
import type { AnnualReturn } from '../server/annual-return/counting.js';

// The decided edge cases of shared/domain.md ("Counting rules"), each through the real stack:
// a tiny interchange file, imported into a fresh database, then the year's return (and, where
// the data trips a rule, the quality report). Runs on SQLite, and on PostgreSQL with DATABASE_URL.

type Row = Record<string, string>;

/** The interchange CSV of these rows: header = every column any row uses, blanks elsewhere. */
function csv(rows: Row[]): Buffer {
  const header = [...new Set(rows.flatMap((r) => Object.keys(r)))];
  return Buffer.from(stringify([header, ...rows.map((r) => header.map((h) => r[h] ?? ''))]));
}

const opened: TestDb[] = [];
afterAll(async () => {
  for (const t of opened) await t.destroy();
});

async function freshDb(): Promise<Knex> {
  const t = await createTestDb();
  opened.push(t);
  return t.db;
}

/** Imports the rows into a fresh database; the import must write (nothing refused). */
async function imported(rows: Row[], db?: Knex): Promise<{ db: Knex; outcome: ImportOutcome }> {
  const target = db ?? (await freshDb());
  const outcome = await importInterchange(target, csv(rows), { filename: 'edge-case.csv', userId: null });
  expect(outcome.problems).toEqual([]);
  expect(outcome.applied).toBe(true);
  return { db: target, outcome };
}

/** A breakdown's rows with a count, as code -> count; the rows always sum to the total. */
function nonZero(ret: AnnualReturn, key: string): Record<string, number> {
  const b = ret.breakdowns[key];
  if (!b) throw new Error(`no breakdown ${key}`);
  expect(b.rows.reduce((n, r) => n + r.count, 0)).toBe(b.total);
  return Object.fromEntries(b.rows.filter((r) => r.count > 0).map((r) => [r.code, r.count]));
}

const idOf = async (db: Knex, ref: string) => Number((await db('referrals').where({ referral_ref: ref }).first('id')).id);

describe('ties: a child on two referrals with the same referral date', () => {
  // Born 2015-06-01: 8 on 2023-06-01. Both referrals consented and held, so every child population has the tie.
  const common = {
    family_ref: 'F1', referral_date: '2023-06-01', consent_decision: 'GIVEN', consent_date: '2023-06-05', initial_fgc_date: '2023-07-01',
    child_ref: 'C1', cms_id: '1000001', date_of_birth: '2015-06-01', sex: 'F', ethnicity: 'WBRI', disability: 'NONE',
  };
  const low: Row = { ...common, referral_ref: 'FGC-0002', legal_status: 'EH' };
  const high: Row = { ...common, referral_ref: 'FGC-0010', legal_status: 'PLO' };

  it('takes the characteristics from the lower referral reference, and the same return whichever order the rows were imported in', async () => {
    // the higher reference first: it gets the lower id
    const { db: first } = await imported([high, low]);
    expect(await idOf(first, 'FGC-0010')).toBeLessThan(await idOf(first, 'FGC-0002'));
    const { db: second } = await imported([low, high]);
    expect(await idOf(second, 'FGC-0002')).toBeLessThan(await idOf(second, 'FGC-0010'));

    for (const db of [first, second]) {
      const { ret } = await buildReturn(db, 2023);
      expect(ret.populations.referred).toMatchObject({ fgcs: 2, children: 1 });
      for (const pop of ['referred', 'consented', 'tookPlace']) {
        expect(nonZero(ret, `${pop}.children.legalStatus`), pop).toEqual({ EH: 1 });
        expect(nonZero(ret, `${pop}.children.ageBand`), pop).toEqual({ '5-9': 1 });
      }
    }
    expect(await returnByRefs(second, 2023)).toEqual(await returnByRefs(first, 2023));
  });
});

describe('no response with no reason', () => {
  it('imports, counts under declined with decline reason Not recorded and, closed, under did not take place "consent not given"', async () => {
    const { db, outcome } = await imported([{
      referral_ref: 'NR-1', family_ref: 'F2', referral_date: '2023-05-01', offer_date: '2023-05-03', consent_decision: 'NORESP',
      consent_date: '2023-05-20', closure_date: '2023-06-30', child_ref: 'C2', cms_id: '1000002', date_of_birth: '2016-01-01', legal_status: 'CIN',
    }]);
    // no response needs no reason: not even a data-quality query
    expect(outcome.findings.filter((f) => f.rule === 'declined-without-reason')).toEqual([]);
    const { ret } = await buildReturn(db, 2023);
    expect(ret.populations.declined.fgcs).toBe(1);
    expect(ret.populations.noResponse.fgcs).toBe(1);
    expect(ret.populations.declinedOnly.fgcs).toBe(0);
    expect(nonZero(ret, 'declined.fgcs.declineReason')).toEqual({ NR: 1 });
    expect(ret.populations.didNotTakePlace.fgcs).toBe(1);
    expect(nonZero(ret, 'didNotTakePlace.fgcs.notHeldReason')).toEqual({ NOCONSENT: 1 });
  });
});

describe('did not take place after a decline', () => {
  it('counts a recorded not-held reason as recorded, and a decline with none under "consent not given"; a decline with no reason is Not recorded and a query', async () => {
    const base = { family_ref: 'F3', referral_date: '2023-05-01', offer_date: '2023-05-03', consent_decision: 'DECLINED', consent_date: '2023-05-20', closure_date: '2023-06-30' };
    const { db, outcome } = await imported([
      { ...base, referral_ref: 'DEC-1', decline_reason: 'NOHELP', fgc_not_held_reason: 'CHANGED', child_ref: 'C3', cms_id: '1000003', date_of_birth: '2016-01-01', legal_status: 'CIN' },
      { ...base, referral_ref: 'DEC-2', child_ref: 'C4', cms_id: '1000004', date_of_birth: '2017-01-01', legal_status: 'CP' },
    ]);
    expect(outcome.findings.filter((f) => f.rule === 'declined-without-reason').map((f) => f.column)).toEqual(['decline_reason']);
    const { ret, ctx } = await buildReturn(db, 2023);
    expect(ret.populations.declinedOnly.fgcs).toBe(2);
    expect(nonZero(ret, 'declined.fgcs.declineReason')).toEqual({ NOHELP: 1, NR: 1 });
    expect(nonZero(ret, 'didNotTakePlace.fgcs.notHeldReason')).toEqual({ CHANGED: 1, NOCONSENT: 1 });
    expect(ctx.quality.find((q) => q.code === 'declined-without-reason')?.count).toBe(1);
  });
});

describe('no date of birth, expected date on or before the referral date', () => {
  it('counts the child under age Not recorded, and the quality report queries it', async () => {
    const base = { referral_ref: 'DOB-1', family_ref: 'F4', referral_date: '2023-06-01', cms_id: '', legal_status: 'EH' };
    const { db, outcome } = await imported([
      { ...base, child_ref: 'C5', expected_date_of_birth: '2023-05-15' }, // before the referral date
      { ...base, child_ref: 'C6', expected_date_of_birth: '2023-06-01' }, // on it
      { ...base, child_ref: 'C7', expected_date_of_birth: '2023-06-02' }, // after it: unborn
    ]);
    expect(outcome.findings.filter((f) => f.rule === 'unborn-past-due').length).toBeGreaterThanOrEqual(2);
    const { ret, ctx } = await buildReturn(db, 2023);
    expect(nonZero(ret, 'referred.children.ageBand')).toEqual({ NR: 2, UNBORN: 1 });
    const report = await runQuality(db, { period: financialYear(2023) });
    const flagged = report.issues.filter((i) => i.rule === 'unborn-past-due').map((i) => i.child_ref);
    expect(flagged).toEqual(expect.arrayContaining(['C5', 'C6']));
    expect(ctx.quality.find((q) => q.code === 'unborn-past-due')?.count).toBe(flagged.length);
  });
});

describe('a review FGC entered twice on one date', () => {
  it('is one meeting', async () => {
    const { db } = await imported([{
      referral_ref: 'REV-1', family_ref: 'F5', referral_date: '2024-01-10', offer_date: '2024-01-12', consent_decision: 'GIVEN', consent_date: '2024-01-20',
      initial_fgc_date: '2024-03-01', review_fgc_dates: '2024-05-01;2024-05-01', child_ref: 'C8', cms_id: '1000008', date_of_birth: '2016-01-01', legal_status: 'CP',
    }]);
    const { ret } = await buildReturn(db, 2024);
    expect(ret.populations.reviews).toMatchObject({ fgcs: 1, meetings: 1 });
  });
});

describe('a non-CMS child with no legal status', () => {
  it('counts as "not known to children\'s social care" (a CMS child with none is Not recorded)', async () => {
    const base = { referral_ref: 'NK-1', family_ref: 'F6', referral_date: '2023-06-01', date_of_birth: '2016-01-01' };
    const { db } = await imported([
      { ...base, child_ref: 'C9', cms_id: '' },
      { ...base, child_ref: 'C10', cms_id: '1000010' },
    ]);
    const { ret } = await buildReturn(db, 2023);
    expect(nonZero(ret, 'referred.children.legalStatus')).toEqual({ NKCSC: 1, NR: 1 });
  });
});

describe('a child\'s details that disagree between rows', () => {
  it('import with a warning, not a problem; the latest referral\'s values (by date, then reference) are held and counted', async () => {
    const child = { cms_id: '', date_of_birth: '2016-01-01', legal_status: 'CIN' };
    const { db, outcome } = await imported([
      // C11: the later referral date wins, whichever row comes first
      { referral_ref: 'DIS-9', family_ref: 'F7', referral_date: '2023-09-01', child_ref: 'C11', ...child, sex: 'M', ethnicity: 'AIND' },
      { referral_ref: 'DIS-1', family_ref: 'F7', referral_date: '2023-05-01', child_ref: 'C11', ...child, sex: 'F', ethnicity: 'WBRI' },
      // C12: the same date, so the higher reference wins (its row first in the file)
      { referral_ref: 'DIS-4', family_ref: 'F8', referral_date: '2023-07-01', child_ref: 'C12', ...child, sex: 'F', ethnicity: 'BAFR' },
      { referral_ref: 'DIS-3', family_ref: 'F8', referral_date: '2023-07-01', child_ref: 'C12', ...child, sex: 'M', ethnicity: 'WBRI' },
    ]);
    const warned = (column: string) => outcome.warnings.filter((w) => w.column === column).length;
    expect(warned('sex')).toBeGreaterThan(0);
    expect(warned('ethnicity')).toBeGreaterThan(0);
    const held = async (ref: string) => db('children').where({ child_ref: ref }).first('sex', 'ethnicity');
    expect(await held('C11')).toEqual({ sex: 'M', ethnicity: 'AIND' });
    expect(await held('C12')).toEqual({ sex: 'F', ethnicity: 'BAFR' });
    const { ret } = await buildReturn(db, 2023);
    expect(ret.populations.referred.children).toBe(2);
    expect(nonZero(ret, 'referred.children.sex')).toEqual({ F: 1, M: 1 });
    expect(nonZero(ret, 'referred.children.ethnicity')).toEqual({ AIND: 1, BAFR: 1 });
    expect(nonZero(ret, 'referred.children.ethnicityGroup')).toEqual({ Asian: 1, Black: 1 });
  });
});
