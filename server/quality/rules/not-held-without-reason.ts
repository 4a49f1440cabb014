import type { ReferralRule } from '../types.js';
import { NONE } from '../rule-helpers.js';

/**
 * Closed after consent was given but with no initial conference: the return needs to
 * know why it did not take place. (A declined episode's reason is "consent not given".)
 */
export const notHeldWithoutReason: ReferralRule = {
  code: 'not-held-without-reason',
  title: 'Not held with no reason',
  message: 'Select why the conference did not take place',
  severity: 'error',
  decision:
    'Blocks the save: the coordinator closing a consented episode without a conference knows why it did not take place, and the survey asks for it.',
  scope: 'referral',
  fields: ['closure_date', 'initial_fgc_date', 'consent_decision', 'fgc_not_held_reason'],
  check(r) {
    if (r.closure_date && !r.initial_fgc_date && r.consent_decision === 'GIVEN' && !r.fgc_not_held_reason) {
      return [{ field: 'fgc_not_held_reason', message: notHeldWithoutReason.message }];
    }
    return NONE;
  },
};
