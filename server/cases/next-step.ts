import { addMonths, addDays, formatDate } from '../common/dates.js';
import type { Referral } from './types.js';

export type NextStepKind = 'offer' | 'consent' | 'conference' | 'plan' | 'review' | 'outcome-6' | 'outcome-12' | 'closure' | 'none';

export interface NextStep {
  kind: NextStepKind;
  /** what to do, as a sentence with GOV.UK dates */
  text: string;
  /** the stage form that records it */
  stage: string | null;
  /** when it is due (YYYY-MM-DD), when there is a date */
  due?: string;
}

/** Reviews are usually held about three months after the initial conference. */
export const REVIEW_AFTER_DAYS = 91;

export type Episode = Pick<Referral, 'offer_date' | 'consent_decision' | 'consent_withdrawn_date' | 'initial_fgc_date' |
  'fgc_not_held_reason' | 'plan_agreed' | 'closure_date' | 'review_dates' | 'children'>;

/** The outcome dates still to record: 6 and 12 months after the initial conference, for any child without them. */
export function outcomesToRecord(r: Episode): { months: 6 | 12; due: string }[] {
  const held = r.initial_fgc_date;
  if (!held) return [];
  const out: { months: 6 | 12; due: string }[] = [];
  if (r.children.some((c) => !c.outcome_6m_legal_status || !c.outcome_6m_living)) out.push({ months: 6, due: addMonths(held, 6) });
  if (r.children.some((c) => !c.outcome_12m_legal_status || !c.outcome_12m_living)) out.push({ months: 12, due: addMonths(held, 12) });
  return out;
}

/** "Record the 6-month outcome by 10 September 2024, and the 12-month outcome by 10 March 2025" */
function outcomeSentence(outcomes: { months: 6 | 12; due: string }[]): string {
  return `Record ${outcomes.map((o) => `the ${o.months}-month outcome by ${formatDate(o.due)}`).join(', and ')}`;
}

/** What the coordinator should do next on one FGC episode, as a sentence. Pure. */
export function nextStep(r: Episode, today: string): NextStep {
  const held = r.initial_fgc_date;
  const outcomes = outcomesToRecord(r);
  // Outcomes still to record name both dates, the 6-month one first; they are the next step
  // once the first is due, and for a closed episode at once.
  if (outcomes.length && (today >= outcomes[0].due || r.closure_date)) {
    return { kind: outcomes[0].months === 6 ? 'outcome-6' : 'outcome-12', text: outcomeSentence(outcomes), stage: 'outcomes', due: outcomes[0].due };
  }
  if (r.closure_date) return { kind: 'none', text: 'Nothing more to record', stage: null };
  if (!r.offer_date) return { kind: 'offer', text: 'Record the FGC offer', stage: 'offer' };
  if (!r.consent_decision) return { kind: 'consent', text: 'Record the family’s consent decision', stage: 'consent' };
  if (r.consent_decision !== 'GIVEN' || r.consent_withdrawn_date || r.fgc_not_held_reason) {
    return { kind: 'closure', text: 'No conference will take place: close the episode', stage: 'closure' };
  }
  if (!held) return { kind: 'conference', text: 'Arrange the conference, then record it', stage: 'conference' };
  if (r.plan_agreed === null || r.plan_agreed === undefined) return { kind: 'plan', text: 'Record the family plan', stage: 'plan' };
  if (r.review_dates.length === 0) {
    const due = addDays(held, REVIEW_AFTER_DAYS);
    return { kind: 'review', text: `Hold the review conference by ${formatDate(due)}`, stage: 'reviews', due };
  }
  return { kind: 'closure', text: 'Review held: close the episode when the plan is working', stage: 'closure' };
}
