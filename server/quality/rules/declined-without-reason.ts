import type { ReferralRule } from '../types.js';
import { NONE } from '../rule-helpers.js';

/** A decline with no reason recorded. "No response" takes no reason (domain.md, decided edge cases). */
export const declinedWithoutReason: ReferralRule = {
  code: 'declined-without-reason',
  title: 'Declined with no reason',
  message: 'Consent was declined but no reason is recorded: record the reason if the family gave one',
  severity: 'query',
  decision:
    'Saves with a query: a family that declines does not always say why, and nobody should invent a reason. The FGC counts under \'Not recorded\'. No response never needs a reason: a family that did not answer gave none.',
  scope: 'referral',
  fields: ['consent_decision', 'decline_reason'],
  check(r) {
    return r.consent_decision === 'DECLINED' && !r.decline_reason ? [{ field: 'decline_reason', message: declinedWithoutReason.message }] : NONE;
  },
};
