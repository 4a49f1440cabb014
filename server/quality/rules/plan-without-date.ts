import type { ReferralRule } from '../types.js';
import { NONE } from '../rule-helpers.js';

export const planWithoutDate: ReferralRule = {
  code: 'plan-without-date',
  title: 'Plan agreed with no plan date',
  message: 'Enter the date the plan was agreed',
  severity: 'error',
  decision:
    'Blocks the save: the coordinator recording an agreed plan knows when it was agreed (usually the conference date).',
  scope: 'referral',
  fields: ['plan_agreed', 'plan_date'],
  check(r) {
    return r.plan_agreed === true && !r.plan_date ? [{ field: 'plan_date', message: planWithoutDate.message }] : NONE;
  },
};
