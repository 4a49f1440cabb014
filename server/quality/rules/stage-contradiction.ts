import { NONE } from '../rule-helpers.js';
import type { Finding, ReferralRule } from '../types.js';

/** Answers on one episode that cannot all be true. */
export const stageContradiction: ReferralRule = {
  code: 'stage-contradiction',
  title: 'Stage answers contradict each other',
  message: 'Two answers on this episode cannot both be right',
  severity: 'error',
  decision:
    'Blocks the save: two answers that cannot both be true (a reason for declining when consent was given, a not-held reason beside a conference date) are a slip the coordinator can put right while typing.',
  scope: 'referral',
  fields: ['consent_decision', 'consent_withdrawn_date', 'decline_reason', 'initial_fgc_date', 'fgc_not_held_reason', 'plan_agreed', 'plan_date'],
  check(r) {
    if (!r.consent_withdrawn_date && !r.decline_reason && !r.fgc_not_held_reason && !r.plan_date) return NONE;
    const out: Finding[] = [];
    if (r.consent_decision && r.consent_decision !== 'GIVEN' && r.consent_withdrawn_date) {
      out.push({ field: 'consent_withdrawn_date', message: 'Consent can only be withdrawn if it was given' });
    }
    if (r.consent_decision === 'GIVEN' && r.decline_reason) {
      out.push({ field: 'decline_reason', message: 'Remove the reason consent was not given, because consent was given' });
    }
    if (r.initial_fgc_date && r.fgc_not_held_reason) {
      out.push({ field: 'fgc_not_held_reason', message: 'Enter either the date the conference was held or why it did not take place, not both' });
    }
    if (r.plan_agreed === false && r.plan_date) out.push({ field: 'plan_date', message: 'Leave the plan date blank, because no plan was agreed' });
    return out;
  },
};
