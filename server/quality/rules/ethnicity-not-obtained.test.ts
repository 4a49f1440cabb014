import { describe, expect, it } from 'vitest';
import { ethnicityNotObtained } from './ethnicity-not-obtained.js';
import { cleanChild, context } from '../test-fixtures.js';

describe(ethnicityNotObtained.code, () => {
  it('fires when blank or not yet obtained', () => {
    expect(ethnicityNotObtained.check(cleanChild({ ethnicity: null }), context())).toHaveLength(1);
    expect(ethnicityNotObtained.check(cleanChild({ ethnicity: 'NOBT' }), context())).toHaveLength(1);
    expect(ethnicityNotObtained.check(cleanChild({ ethnicity: null, date_of_birth: null, expected_date_of_birth: '2025-01-01' }), context())).toHaveLength(1);
  });
  it('is silent with a recorded ethnicity (refused is an answer), and for a child not yet born', () => {
    expect(ethnicityNotObtained.check(cleanChild(), context())).toEqual([]);
    expect(ethnicityNotObtained.check(cleanChild({ ethnicity: 'REFU' }), context())).toEqual([]);
    expect(ethnicityNotObtained.check(cleanChild({ ethnicity: null, date_of_birth: null, expected_date_of_birth: '2025-09-01' }), context())).toEqual([]);
  });
});
