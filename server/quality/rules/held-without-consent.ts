import type { ReferralRule } from '../types.js';
import { NONE } from '../rule-helpers.js';

export const heldWithoutConsent: ReferralRule = {
  code: 'held-without-consent',
  title: 'Conference held without consent',
  message: 'A conference cannot be recorded as held until consent has been given',
  severity: 'error',
  decision:
    'Blocks the save: a conference cannot happen without consent, and the coordinator recording it knows when consent was given, so records the consent first.',
  scope: 'referral',
  fields: ['initial_fgc_date', 'consent_decision', 'consent_date'],
  check(r) {
    if (r.initial_fgc_date && (r.consent_decision !== 'GIVEN' || !r.consent_date)) {
      return [{ field: 'initial_fgc_date', message: heldWithoutConsent.message }];
    }
    return NONE;
  },
};
