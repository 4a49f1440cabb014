import { describe, expect, it } from 'vitest';
import { heldWithoutConsent } from './held-without-consent.js';
import { cleanReferral, context } from '../test-fixtures.js';

describe(heldWithoutConsent.code, () => {
  it('fires when a conference is held without consent given', () => {
    for (const over of [{ consent_decision: 'DECLINED' as const }, { consent_decision: null }, { consent_date: null }]) {
      expect(heldWithoutConsent.check(cleanReferral(over), context())).toEqual([{ field: 'initial_fgc_date', message: heldWithoutConsent.message }]);
    }
  });
  it('is silent with consent given, or no conference', () => {
    expect(heldWithoutConsent.check(cleanReferral(), context())).toEqual([]);
    expect(heldWithoutConsent.check(cleanReferral({ consent_decision: 'DECLINED', initial_fgc_date: null }), context())).toEqual([]);
  });
});
