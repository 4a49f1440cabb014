import type { ChildRule } from '../types.js';
import { NONE } from '../rule-helpers.js';

export const noBirthDate: ChildRule = {
  code: 'no-birth-date',
  title: 'Child with neither date of birth nor expected date',
  message: 'Enter the date of birth, or the expected date of delivery for an unborn child',
  severity: 'query',
  decision:
    'Saves with a query: the family may not have given the date of birth, and nobody should invent one. The child counts under age \'Not recorded\'.',
  scope: 'child',
  fields: ['date_of_birth', 'expected_date_of_birth'],
  check(c) {
    return !c.date_of_birth && !c.expected_date_of_birth ? [{ field: 'date_of_birth', message: noBirthDate.message }] : NONE;
  },
};
