import { describe, expect, it } from 'vitest';
import { notHeldWithoutReason } from './not-held-without-reason.js';
import { cleanReferral, context } from '../test-fixtures.js';

const noConference = { initial_fgc_date: null, plan_agreed: null, plan_date: null, plan_sent_date: null, review_dates: [] };

describe(notHeldWithoutReason.code, () => {
  it('fires on an episode closed after consent with no conference and no reason', () => {
    expect(notHeldWithoutReason.check(cleanReferral(noConference), context()).map((f) => f.field)).toEqual(['fgc_not_held_reason']);
  });
  it('is silent with a reason, a conference, still open, or declined', () => {
    expect(notHeldWithoutReason.check(cleanReferral({ ...noConference, fgc_not_held_reason: 'NETWORK' }), context())).toEqual([]);
    expect(notHeldWithoutReason.check(cleanReferral(), context())).toEqual([]);
    expect(notHeldWithoutReason.check(cleanReferral({ ...noConference, closure_date: null }), context())).toEqual([]);
    expect(notHeldWithoutReason.check(cleanReferral({ ...noConference, consent_decision: 'DECLINED', decline_reason: 'NOHELP' }), context())).toEqual([]);
  });
});
