import { describe, expect, it } from 'vitest';
import { planFigures } from './plans.js';
import { isWorkingDay, workingDaysBetween } from './working-days.js';
import { yearPeriod } from './period.js';
import { pureWorld, YEAR } from './test-world.js';
import { NR } from '../annual-return/breakdowns.js';

describe('working days', () => {
  it('leave out weekends and bank holidays in England and Wales', () => {
    expect(isWorkingDay('2024-05-06')).toBe(false); // early May bank holiday
    expect(isWorkingDay('2024-05-04')).toBe(false); // Saturday
    expect(isWorkingDay('2024-05-07')).toBe(true);
    expect(workingDaysBetween('2024-05-03', '2024-05-03')).toBe(0);
    expect(workingDaysBetween('2024-05-03', '2024-05-07')).toBe(1); // Friday to Tuesday over a bank holiday Monday
    // every year has its holidays (the old hand-kept list ended in 2027), substitute and one-off days included
    expect(isWorkingDay('2028-04-14')).toBe(false); // Good Friday 2028
    expect(isWorkingDay('2028-01-03')).toBe(false); // New Year's Day 2028 is a Saturday: Monday instead
    expect(isWorkingDay('2022-09-19')).toBe(false); // the state funeral of Queen Elizabeth II
    expect(isWorkingDay('2031-12-26')).toBe(false); // Boxing Day 2031
    expect(workingDaysBetween('2030-12-24', '2031-01-02')).toBe(4); // 27, 30, 31 Dec and 2 Jan: 25, 26 Dec and 1 Jan are holidays
    expect(workingDaysBetween('2024-12-20', '2025-01-03')).toBe(7); // Christmas, Boxing Day and New Year's Day
    expect(workingDaysBetween('2024-05-07', '2024-05-03')).toBe(-1);
    expect(workingDaysBetween('2024-02-30', '2024-03-01')).toBeNull();
  });
});

describe('plans', () => {
  const f = planFigures(pureWorld(), yearPeriod(YEAR));

  it('counts plans agreed at the conferences held in the period', () => {
    expect([f.held, f.agreed, f.notAgreed, f.notRecorded]).toEqual([3, 2, 1, 0]); // R1, R5 agreed; R4 not
    expect(f.ret.populations.plansAgreed.fgcs).toBe(f.agreed);
  });

  it('counts what agreed plans provide', () => {
    expect(Object.fromEntries(f.content)).toEqual({ REMAIN: 1, SAFETY: 1, KIN: 1 });
    const t = f.tables.find((x) => x.id === 'plan-content')!;
    expect(t.rows.find((r) => r.cells.content === 'Child to live with a family or friends carer')!.cells).toMatchObject({ fgcs: 1, share: 0.5 });
    expect(t.rows.at(-1)!.cells).toMatchObject({ content: 'No content recorded', fgcs: 0 });
    expect(f.content.has(NR)).toBe(false);
  });

  it('counts plans sent to the family within 10 working days of being agreed', () => {
    // R1 agreed Wed 15 May, sent Fri 24 May: 7 working days. R5 agreed 25 April, sent 20 May: 16 (6 May a bank holiday)
    expect(f.sent).toEqual({ within: 1, later: 1, notSent: 0, noPlanDate: 0 });
    const t = f.tables.find((x) => x.id === 'plans-sent')!;
    expect(t.rows[0].cells).toMatchObject({ fgcs: 1, share: 0.5 });
  });
});
