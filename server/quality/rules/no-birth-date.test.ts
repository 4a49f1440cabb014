import { describe, expect, it } from 'vitest';
import { noBirthDate } from './no-birth-date.js';
import { cleanChild, context } from '../test-fixtures.js';

describe(noBirthDate.code, () => {
  it('fires with neither date', () => {
    expect(noBirthDate.check(cleanChild({ date_of_birth: null }), context()).map((f) => f.field)).toEqual(['date_of_birth']);
  });
  it('is silent with either', () => {
    expect(noBirthDate.check(cleanChild(), context())).toEqual([]);
    expect(noBirthDate.check(cleanChild({ date_of_birth: null, expected_date_of_birth: '2025-09-01' }), context())).toEqual([]);
  });
  it('is a query: nobody is made to invent a date of birth', () => expect(noBirthDate.severity).toBe('query'));
});
