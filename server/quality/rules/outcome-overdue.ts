import { NONE, longDate, sixMonthsAfter, twelveMonthsAfter } from '../rule-helpers.js';
import type { Finding, ReferralRule } from '../types.js';

/** Outcomes are due 6 and 12 months after the initial conference, for each child on the referral. */
export const outcomeOverdue: ReferralRule = {
  code: 'outcome-overdue',
  title: 'Outcome overdue at 6 or 12 months',
  message: 'The outcome at 6 or 12 months after the conference has not been recorded',
  severity: 'query',
  decision:
    'Saves with a query: it is about time passing, not about what was typed.',
  scope: 'referral',
  fields: ['outcome_6m_legal_status', 'outcome_6m_living', 'outcome_12m_legal_status', 'outcome_12m_living'],
  check(r, ctx) {
    const held = r.initial_fgc_date;
    if (!held || !r.children?.length) return NONE;
    const due6 = sixMonthsAfter(held);
    if (ctx.today <= due6) return NONE;
    const due12 = twelveMonthsAfter(held);
    const out: Finding[] = [];
    for (const c of r.children) {
      if (!c.outcome_6m_legal_status || !c.outcome_6m_living) {
        out.push({ field: !c.outcome_6m_legal_status ? 'outcome_6m_legal_status' : 'outcome_6m_living', child_id: c.child_id, message: `The 6-month outcome was due on ${longDate(due6)}` });
      }
      if (ctx.today > due12 && (!c.outcome_12m_legal_status || !c.outcome_12m_living)) {
        out.push({ field: !c.outcome_12m_legal_status ? 'outcome_12m_legal_status' : 'outcome_12m_living', child_id: c.child_id, message: `The 12-month outcome was due on ${longDate(due12)}` });
      }
    }
    return out;
  },
};
