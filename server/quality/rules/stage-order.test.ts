import { describe, expect, it } from 'vitest';
import { stageOrder } from './stage-order.js';
import { cleanReferral, context } from '../test-fixtures.js';

const fields = (over: Parameters<typeof cleanReferral>[0]) => stageOrder.check(cleanReferral(over), context()).map((f) => f.field);

describe(stageOrder.code, () => {
  it('is silent on an episode in order, and on one with only a referral', () => {
    expect(fields({})).toEqual([]);
    expect(fields({ offer_date: null, consent_decision: null, consent_date: null, initial_fgc_date: null, plan_agreed: null, plan_date: null, plan_sent_date: null, closure_date: null, review_dates: [] })).toEqual([]);
  });
  it('fires on each step dated before the one it follows', () => {
    expect(fields({ offer_date: '2025-01-09' })).toContain('offer_date');
    expect(fields({ consent_date: '2025-01-11' })).toContain('consent_date');
    expect(fields({ offer_date: null, consent_date: '2025-01-09' })).toContain('consent_date');
    expect(fields({ consent_withdrawn_date: '2025-01-14' })).toContain('consent_withdrawn_date');
    expect(fields({ initial_fgc_date: '2025-01-14', plan_date: '2025-02-01' })).toContain('initial_fgc_date');
    expect(fields({ consent_withdrawn_date: '2025-01-20' })).toContain('initial_fgc_date');
    expect(fields({ plan_date: '2025-01-31' })).toContain('plan_date');
    expect(fields({ plan_sent_date: '2025-01-31' })).toContain('plan_sent_date');
    expect(fields({ plan_uploaded_date: '2025-01-31' })).toContain('plan_uploaded_date');
    expect(fields({ review_dates: ['2025-01-20'] })).toContain('review_date');
    expect(fields({ closure_date: '2025-03-01' })).toContain('closure_date');
  });
  it('fires on a plan or review recorded with no conference', () => {
    expect(fields({ initial_fgc_date: null, review_dates: [] })).toContain('plan_agreed');
    expect(fields({ initial_fgc_date: null, plan_agreed: null, plan_date: null, plan_sent_date: null })).toContain('review_date');
  });
  it('names the date the step must follow', () => {
    const [f] = stageOrder.check(cleanReferral({ offer_date: '2025-01-09' }), context());
    expect(f.message).toBe('The offer date cannot be before the referral date. It must be the same as or after 10 January 2025');
  });
});
