import type { ChildRule } from '../types.js';
import { NONE } from '../rule-helpers.js';

/** Blank or "information not yet obtained". Not asked of a child not yet born. */
export const ethnicityNotObtained: ChildRule = {
  code: 'ethnicity-not-obtained',
  title: 'Ethnicity not obtained',
  message: "Record the child's ethnicity",
  severity: 'query',
  decision:
    'Saves with a query: ethnicity is often not obtained at first contact.',
  scope: 'child',
  fields: ['ethnicity'],
  check(c, ctx) {
    const unborn = !c.date_of_birth && !!c.expected_date_of_birth && c.expected_date_of_birth >= ctx.today;
    if (unborn || (c.ethnicity && c.ethnicity !== 'NOBT')) return NONE;
    return [{ field: 'ethnicity', message: ethnicityNotObtained.message }];
  },
};
