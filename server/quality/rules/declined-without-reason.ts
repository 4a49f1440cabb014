import type { ReferralRule } from '../types.js';
import { NONE } from '../rule-helpers.js';

export const declinedWithoutReason: ReferralRule = {
  code: 'declined-without-reason',
  title: 'Declined with no reason',
  message: 'Select the reason consent was not given',
  severity: 'error',
  scope: 'referral',
  fields: ['consent_decision', 'decline_reason'],
  check(r) {
    const declined = r.consent_decision === 'DECLINED' || r.consent_decision === 'NORESP';
    return declined && !r.decline_reason ? [{ field: 'decline_reason', message: declinedWithoutReason.message }] : NONE;
  },
};
