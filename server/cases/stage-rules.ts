import { formatDate } from '../common/dates.js';
import type { Referral } from './types.js';

export type StageFacts = Pick<
  Referral,
  | 'referral_date' | 'offer_date' | 'consent_decision' | 'consent_date' | 'decline_reason' | 'consent_withdrawn_date'
  | 'initial_fgc_date' | 'fgc_not_held_reason' | 'plan_agreed' | 'plan_date' | 'plan_sent_date' | 'plan_uploaded_date'
  | 'closure_date'
> & { review_dates: string[]; plan_content?: string[] };

export interface StageProblem {
  field: string;
  message: string;
}

const on = (d: string) => formatDate(d);

/**
 * The order an FGC episode must follow. Pure: given the whole episode as it would be
 * after a save, lists what is out of order. Forms block the save on any problem.
 */
export function stageOrderProblems(r: StageFacts): StageProblem[] {
  const p: StageProblem[] = [];
  const before = (field: string, date: string | null, floor: string | null, what: string) => {
    if (date && floor && date < floor) p.push({ field, message: `${what} must be the same as or after ${on(floor)}` });
  };
  before('offer_date', r.offer_date, r.referral_date, 'The offer date cannot be before the referral date. It');
  before('consent_date', r.consent_date, r.offer_date ?? r.referral_date, 'The consent decision cannot be before the offer. It');
  if (r.consent_decision && r.consent_decision !== 'GIVEN' && r.consent_withdrawn_date) {
    p.push({ field: 'consent_withdrawn_date', message: 'Consent can only be withdrawn if it was given' });
  }
  if (r.consent_decision === 'GIVEN' && r.decline_reason) {
    p.push({ field: 'decline_reason', message: 'Remove the reason consent was not given, because consent was given' });
  }
  if ((r.consent_decision === 'DECLINED' || r.consent_decision === 'NORESP') && !r.decline_reason) {
    p.push({ field: 'decline_reason', message: 'Select the reason consent was not given' });
  }
  before('consent_withdrawn_date', r.consent_withdrawn_date, r.consent_date, 'The withdrawal date cannot be before consent was given. It');
  if (r.initial_fgc_date) {
    if (r.consent_decision !== 'GIVEN' || !r.consent_date) {
      p.push({ field: 'initial_fgc_date', message: 'A conference cannot be recorded as held until consent has been given' });
    } else {
      before('initial_fgc_date', r.initial_fgc_date, r.consent_date, 'The conference cannot be before consent was given. It');
    }
    if (r.consent_withdrawn_date && r.consent_withdrawn_date < r.initial_fgc_date) {
      p.push({ field: 'initial_fgc_date', message: `Consent was withdrawn on ${on(r.consent_withdrawn_date)}, before this conference date` });
    }
    if (r.fgc_not_held_reason) {
      p.push({ field: 'fgc_not_held_reason', message: 'Enter either the date the conference was held or why it did not take place, not both' });
    }
  }
  const planRecorded = r.plan_agreed !== null && r.plan_agreed !== undefined;
  if ((planRecorded || r.plan_date || r.plan_sent_date || r.plan_uploaded_date) && !r.initial_fgc_date) {
    p.push({ field: 'plan_agreed', message: 'A plan can only be recorded after the initial conference has been held' });
  } else {
    before('plan_date', r.plan_date, r.initial_fgc_date, 'The plan cannot be agreed before the conference. It');
  }
  if (r.plan_agreed === false && r.plan_date) p.push({ field: 'plan_date', message: 'Leave the plan date blank, because no plan was agreed' });
  if (r.plan_agreed === true && !r.plan_date) p.push({ field: 'plan_date', message: 'Enter the date the plan was agreed' });
  before('plan_sent_date', r.plan_sent_date, r.plan_date, 'The plan cannot be sent before it was agreed. It');
  before('plan_uploaded_date', r.plan_uploaded_date, r.plan_date, 'The plan cannot be uploaded before it was agreed. It');
  for (const d of r.review_dates) {
    if (!r.initial_fgc_date) {
      p.push({ field: 'review_date', message: 'A review conference can only be recorded after the initial conference' });
      break;
    }
    before('review_date', d, r.initial_fgc_date, 'A review conference cannot be before the initial conference. It');
  }
  if (r.closure_date) {
    const latest = [r.referral_date, r.offer_date, r.consent_date, r.initial_fgc_date, r.plan_date, ...r.review_dates]
      .filter((d): d is string => !!d)
      .sort()
      .pop()!;
    before('closure_date', r.closure_date, latest, 'The closure date cannot be before the last recorded step. It');
    if (!r.initial_fgc_date && r.consent_decision === 'GIVEN' && !r.fgc_not_held_reason) {
      p.push({ field: 'fgc_not_held_reason', message: 'Select why the conference did not take place' });
    }
  }
  return dedupe(p);
}

function dedupe(p: StageProblem[]): StageProblem[] {
  const seen = new Set<string>();
  return p.filter((x) => (seen.has(x.field) ? false : (seen.add(x.field), true)));
}
