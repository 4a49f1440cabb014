import type { ReferralRule } from '../types.js';
import { NONE } from '../rule-helpers.js';

/** A query, not an error: older records and imports often hold the decision but not the offer. */
export const consentWithoutOffer: ReferralRule = {
  code: 'consent-without-offer',
  title: 'Consent given with no offer recorded',
  message: 'Consent is recorded but the offer is not: record when and how the FGC was offered',
  severity: 'query',
  decision:
    'Saves with a query: older records often hold the decision but not when or how the FGC was offered.',
  scope: 'referral',
  fields: ['consent_decision', 'offer_date'],
  check(r) {
    return r.consent_decision === 'GIVEN' && !r.offer_date ? [{ field: 'offer_date', message: consentWithoutOffer.message }] : NONE;
  },
};
