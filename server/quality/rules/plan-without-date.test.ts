import { describe, expect, it } from 'vitest';
import { planWithoutDate } from './plan-without-date.js';
import { cleanReferral, context } from '../test-fixtures.js';

describe(planWithoutDate.code, () => {
  it('fires on a plan agreed with no date', () => {
    expect(planWithoutDate.check(cleanReferral({ plan_date: null, plan_sent_date: null }), context()).map((f) => f.field)).toEqual(['plan_date']);
  });
  it('is silent with a date, with no plan agreed, or with no plan answer', () => {
    expect(planWithoutDate.check(cleanReferral(), context())).toEqual([]);
    expect(planWithoutDate.check(cleanReferral({ plan_agreed: false, plan_date: null }), context())).toEqual([]);
    expect(planWithoutDate.check(cleanReferral({ plan_agreed: null, plan_date: null }), context())).toEqual([]);
  });
});
