import { daysBetween, formatDate } from '../../common/dates.js';
import { NONE, latest } from '../rule-helpers.js';
import type { ReferralRule } from '../types.js';

export const INACTIVE_AFTER_DAYS = 90;

/** An open episode whose last recorded step is more than 90 days ago. */
export const noRecentActivity: ReferralRule = {
  code: 'no-recent-activity',
  title: `Open episode with no activity for ${INACTIVE_AFTER_DAYS} days`,
  message: `The episode is open but nothing has been recorded for over ${INACTIVE_AFTER_DAYS} days: record the next step or close it`,
  severity: 'query',
  decision:
    'Saves with a query: it is about time passing, not about what was typed.',
  scope: 'referral',
  fields: ['closure_date'],
  check(r, ctx) {
    if (r.closure_date) return NONE;
    const last = latest([r.referral_date, r.offer_date, r.consent_date, r.consent_withdrawn_date, r.initial_fgc_date, r.plan_date,
      r.plan_sent_date, r.plan_uploaded_date, ...r.review_dates]);
    if (!last) return NONE;
    const days = daysBetween(last, ctx.today);
    if (days <= INACTIVE_AFTER_DAYS) return NONE;
    return [{ field: 'closure_date', message: `Nothing recorded since ${formatDate(last)} (${days} days): record the next step or close the episode` }];
  },
};
