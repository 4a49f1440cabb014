import { describe, expect, it } from 'vitest';
import { consentWithoutOffer } from './consent-without-offer.js';
import { cleanReferral, context } from '../test-fixtures.js';

describe(consentWithoutOffer.code, () => {
  it('fires when consent is given and no offer is recorded', () => {
    expect(consentWithoutOffer.check(cleanReferral({ offer_date: null }), context()).map((f) => f.field)).toEqual(['offer_date']);
  });
  it('is silent with an offer, or without consent given', () => {
    expect(consentWithoutOffer.check(cleanReferral(), context())).toEqual([]);
    expect(consentWithoutOffer.check(cleanReferral({ offer_date: null, consent_decision: 'DECLINED' }), context())).toEqual([]);
    expect(consentWithoutOffer.check(cleanReferral({ offer_date: null, consent_decision: null }), context())).toEqual([]);
  });
  it('is a query', () => expect(consentWithoutOffer.severity).toBe('query'));
});
