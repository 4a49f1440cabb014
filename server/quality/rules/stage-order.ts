import { formatDate } from '../../common/dates.js';
import { latest, notBefore } from '../rule-helpers.js';
import type { Finding, ReferralRule } from '../types.js';

/** Each stage on or after the one before it: referral, offer, consent, conference, plan, reviews, closure. */
export const stageOrder: ReferralRule = {
  code: 'stage-order',
  title: 'Stage dates out of order',
  message: 'A stage is dated before the stage it follows',
  severity: 'error',
  decision:
    'Blocks the save: an impossible order of dates (an offer before the referral, a plan before the conference) is a typing slip the coordinator can fix now.',
  scope: 'referral',
  fields: ['referral_date', 'offer_date', 'consent_date', 'consent_withdrawn_date', 'initial_fgc_date', 'plan_agreed', 'plan_date',
    'plan_sent_date', 'plan_uploaded_date', 'review_date', 'closure_date'],
  check(r) {
    const out: Finding[] = [];
    notBefore(out, 'offer_date', r.offer_date, r.referral_date, 'The offer date cannot be before the referral date. It');
    notBefore(out, 'consent_date', r.consent_date, r.offer_date ?? r.referral_date, 'The consent decision cannot be before the offer. It');
    notBefore(out, 'consent_withdrawn_date', r.consent_withdrawn_date, r.consent_date, 'The withdrawal date cannot be before consent was given. It');
    const held = r.initial_fgc_date;
    if (held) {
      if (r.consent_decision === 'GIVEN') notBefore(out, 'initial_fgc_date', held, r.consent_date, 'The conference cannot be before consent was given. It');
      if (r.consent_withdrawn_date && r.consent_withdrawn_date < held) {
        out.push({ field: 'initial_fgc_date', message: `Consent was withdrawn on ${formatDate(r.consent_withdrawn_date)}, before this conference date` });
      }
    }
    const planRecorded = (r.plan_agreed !== null && r.plan_agreed !== undefined) || r.plan_date || r.plan_sent_date || r.plan_uploaded_date;
    if (planRecorded && !held) out.push({ field: 'plan_agreed', message: 'A plan can only be recorded after the initial conference has been held' });
    else notBefore(out, 'plan_date', r.plan_date, held, 'The plan cannot be agreed before the conference. It');
    notBefore(out, 'plan_sent_date', r.plan_sent_date, r.plan_date, 'The plan cannot be sent before it was agreed. It');
    notBefore(out, 'plan_uploaded_date', r.plan_uploaded_date, r.plan_date, 'The plan cannot be uploaded before it was agreed. It');
    for (const d of r.review_dates) {
      if (!held) {
        out.push({ field: 'review_date', message: 'A review conference can only be recorded after the initial conference' });
        break;
      }
      notBefore(out, 'review_date', d, held, 'A review conference cannot be before the initial conference. It');
    }
    if (r.closure_date) {
      const last = latest([r.referral_date, r.offer_date, r.consent_date, held, r.plan_date, ...r.review_dates]);
      notBefore(out, 'closure_date', r.closure_date, last, 'The closure date cannot be before the last recorded step. It');
    }
    return out;
  },
};
