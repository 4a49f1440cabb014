import { addMonths, addDays } from '../common/dates.js';
import type { Referral } from './types.js';

export type NextStepKind = 'offer' | 'consent' | 'conference' | 'plan' | 'review' | 'outcome-6' | 'outcome-12' | 'closure' | 'none';

export interface NextStep {
  kind: NextStepKind;
  text: string;
  /** the stage form that records it */
  stage: string | null;
  due?: string;
}

/** Reviews are usually held about three months after the initial conference. */
export const REVIEW_AFTER_DAYS = 91;

/** What the coordinator should do next on one FGC episode. Pure. */
export function nextStep(r: Pick<Referral, 'offer_date' | 'consent_decision' | 'consent_withdrawn_date' | 'initial_fgc_date' |
  'fgc_not_held_reason' | 'plan_agreed' | 'closure_date' | 'review_dates' | 'children'>, today: string): NextStep {
  const held = r.initial_fgc_date;
  if (held) {
    const missing6 = r.children.some((c) => !c.outcome_6m_legal_status || !c.outcome_6m_living);
    const missing12 = r.children.some((c) => !c.outcome_12m_legal_status || !c.outcome_12m_living);
    const due6 = addMonths(held, 6);
    const due12 = addMonths(held, 12);
    if (missing6 && today >= due6) return { kind: 'outcome-6', text: 'Outcome due at 6 months', stage: 'outcomes', due: due6 };
    if (missing12 && today >= due12) return { kind: 'outcome-12', text: 'Outcome due at 12 months', stage: 'outcomes', due: due12 };
  }
  if (r.closure_date) {
    if (held && (r.children.some((c) => !c.outcome_12m_living))) {
      return { kind: 'none', text: `Closed; 12-month outcome due ${addMonths(held, 12)}`, stage: null, due: addMonths(held, 12) };
    }
    return { kind: 'none', text: 'Closed', stage: null };
  }
  if (!r.offer_date) return { kind: 'offer', text: 'Offer due', stage: 'offer' };
  if (!r.consent_decision) return { kind: 'consent', text: 'Consent awaited', stage: 'consent' };
  if (r.consent_decision !== 'GIVEN' || r.consent_withdrawn_date || r.fgc_not_held_reason) {
    return { kind: 'closure', text: 'No conference: close the episode', stage: 'closure' };
  }
  if (!held) return { kind: 'conference', text: 'Conference to arrange', stage: 'conference' };
  if (r.plan_agreed === null || r.plan_agreed === undefined) return { kind: 'plan', text: 'Plan to record', stage: 'plan' };
  if (r.review_dates.length === 0) {
    return { kind: 'review', text: 'Review due', stage: 'reviews', due: addDays(held, REVIEW_AFTER_DAYS) };
  }
  return { kind: 'closure', text: 'Review held: close the episode when the plan is working', stage: 'closure' };
}
