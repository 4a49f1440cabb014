import { formatDate } from '../../common/dates.js';
import type { ChildRule } from '../types.js';
import { NONE } from '../rule-helpers.js';

export const unbornPastDue: ChildRule = {
  code: 'unborn-past-due',
  title: 'Unborn child whose expected date has passed',
  message: 'The expected date of delivery has passed: enter the date of birth',
  severity: 'query',
  decision:
    'Saves with a query: the birth may not have been reported yet.',
  scope: 'child',
  fields: ['expected_date_of_birth', 'date_of_birth'],
  check(c, ctx) {
    const due = c.expected_date_of_birth;
    if (c.date_of_birth || !due || due >= ctx.today) return NONE;
    return [{ field: 'date_of_birth', message: `The expected date of delivery (${formatDate(due)}) has passed: enter the date of birth` }];
  },
};
