import { describe, expect, it } from 'vitest';
import { adultAtReferral } from './adult-at-referral.js';
import { cleanChild, cleanReferral, context } from '../test-fixtures.js';

const withChild = (dob: string | null) => context({ children: [{ ...cleanChild({ date_of_birth: dob }), id: 1 }] });

describe(adultAtReferral.code, () => {
  it('fires for a child 18 or over on the referral date', () => {
    expect(adultAtReferral.check(cleanReferral(), withChild('2007-01-10'))).toEqual([
      { field: 'date_of_birth', child_id: 1, message: 'The child was 18 on the referral date: check the date of birth' },
    ]);
  });
  it('agrees with whole years of age around 29 February', () => {
    const r = cleanReferral({ referral_date: '2024-02-29' });
    expect(adultAtReferral.check(r, withChild('2006-02-28'))).toHaveLength(1);
    expect(adultAtReferral.check(r, withChild('2006-03-01'))).toEqual([]);
    expect(adultAtReferral.check(cleanReferral({ referral_date: '2025-02-28' }), withChild('2007-03-01'))).toEqual([]);
  });
  it('is silent the day before the 18th birthday, and with no date of birth', () => {
    expect(adultAtReferral.check(cleanReferral(), withChild('2007-01-11'))).toEqual([]);
    expect(adultAtReferral.check(cleanReferral(), withChild(null))).toEqual([]);
  });
});
