import { describe, expect, it } from 'vitest';
import { declinedWithoutReason } from './declined-without-reason.js';
import { cleanReferral, context } from '../test-fixtures.js';

const declined = { initial_fgc_date: null, plan_agreed: null, plan_date: null, plan_sent_date: null, review_dates: [] };

describe(declinedWithoutReason.code, () => {
  it('fires on a decline with no reason', () => {
    expect(declinedWithoutReason.check(cleanReferral({ ...declined, consent_decision: 'DECLINED' }), context()).map((f) => f.field)).toEqual(['decline_reason']);
  });
  it('is silent on no response without a reason: a family that did not answer gave none', () => {
    expect(declinedWithoutReason.check(cleanReferral({ ...declined, consent_decision: 'NORESP' }), context())).toEqual([]);
  });
  it('is a query: the save goes ahead', () => expect(declinedWithoutReason.severity).toBe('query'));
  it('is silent with a reason, or with consent given or undecided', () => {
    expect(declinedWithoutReason.check(cleanReferral({ ...declined, consent_decision: 'DECLINED', decline_reason: 'NOHELP' }), context())).toEqual([]);
    expect(declinedWithoutReason.check(cleanReferral(), context())).toEqual([]);
    expect(declinedWithoutReason.check(cleanReferral({ ...declined, consent_decision: null }), context())).toEqual([]);
  });
});
