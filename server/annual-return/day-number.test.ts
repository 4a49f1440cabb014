import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { dayNumber, daysFrom } from './day-number.js';
import { addDays, daysBetween } from '../common/dates.js';
import { ageInYears, ageBand } from './age-bands.js';
import { ageOn } from '../common/dates.js';

describe('day arithmetic', () => {
  it('counts days like dates.daysBetween', () => {
    expect(dayNumber('1970-01-01')).toBe(0);
    expect(daysFrom('2023-02-15', '2023-04-10')).toBe(54);
    expect(daysFrom('2024-02-28', '2024-03-01')).toBe(2); // leap year
    expect(daysFrom('2023-02-28', '2023-03-01')).toBe(1);
    const day = fc.integer({ min: 0, max: 80_000 }).map((d) => addDays('1901-01-01', d));
    fc.assert(fc.property(day, day, (a, b) => daysFrom(a, b) === daysBetween(a, b)));
  });

  it('refuses what is not a real date', () => {
    for (const bad of ['2023-02-29', '2023-13-01', '2023-00-10', '2023-04-31', '23-04-01', '2023/04/01', '', null, undefined]) {
      expect(dayNumber(bad), String(bad)).toBeNull();
    }
    expect(daysFrom(null, '2023-04-01')).toBeNull();
  });
});

describe('age', () => {
  it('agrees with dates.ageOn', () => {
    const day = fc.integer({ min: 0, max: 50_000 }).map((d) => addDays('1950-01-01', d));
    fc.assert(
      fc.property(day, day, (a, b) => {
        const [dob, on] = a <= b ? [a, b] : [b, a];
        return ageInYears(dob, on) === ageOn(dob, on);
      }),
    );
    expect(ageInYears('2020-02-29', '2023-02-28')).toBe(2);
    expect(ageInYears('2020-02-29', '2023-03-01')).toBe(3);
  });

  it('bands at the boundaries', () => {
    const on = '2023-06-01';
    expect(ageBand('2022-06-02', null, on)).toBe('U1');
    expect(ageBand('2022-06-01', null, on)).toBe('1-4');
    expect(ageBand('2018-06-02', null, on)).toBe('1-4');
    expect(ageBand('2018-06-01', null, on)).toBe('5-9');
    expect(ageBand('2013-06-01', null, on)).toBe('10-15');
    expect(ageBand('2007-06-01', null, on)).toBe('16-17');
    expect(ageBand('2005-06-01', null, on)).toBe('18+');
    expect(ageBand(null, '2023-06-02', on)).toBe('UNBORN');
    expect(ageBand(null, '2023-06-01', on)).toBe('NR'); // due on the referral date, no birth recorded
    expect(ageBand('not a date', null, on)).toBe('NR');
  });
});
