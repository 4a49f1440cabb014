import { describe, expect, it } from 'vitest';
import { unbornPastDue } from './unborn-past-due.js';
import { cleanChild, context } from '../test-fixtures.js';

const unborn = (due: string) => cleanChild({ date_of_birth: null, expected_date_of_birth: due });

describe(unbornPastDue.code, () => {
  it('fires once the expected date has passed with no date of birth', () => {
    expect(unbornPastDue.check(unborn('2025-05-31'), context())).toEqual([
      { field: 'date_of_birth', message: 'The expected date of delivery (31 May 2025) has passed: enter the date of birth' },
    ]);
  });
  it('is silent on or before the expected date, and once born', () => {
    expect(unbornPastDue.check(unborn('2025-06-01'), context())).toEqual([]);
    expect(unbornPastDue.check(cleanChild({ expected_date_of_birth: '2015-05-01' }), context())).toEqual([]);
  });
});
