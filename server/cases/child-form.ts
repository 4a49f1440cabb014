import type { CodeLists } from '../codes/code-lists.js';
import type { FormErrors } from '../common/forms.js';
import { CHILD_FIELDS } from './stages.js';
import { parseFields } from './form-parsing.js';
import type { ChildInput } from './children-repository.js';

/**
 * Parses and checks the child form; pure. Whether the child has a date of birth or an
 * expected date is a data-quality rule (server/quality/rules/no-birth-date.ts), checked
 * with the others before saving.
 */
export function parseChildForm(body: Record<string, unknown>, codes: CodeLists, today: string, current?: object) {
  const parsed = parseFields(CHILD_FIELDS, body, codes, today, { current });
  const v = parsed.values;
  const errors: FormErrors = { ...parsed.errors };
  if (!errors.date_of_birth && !errors.expected_date_of_birth && v.date_of_birth && v.expected_date_of_birth) {
    errors.date_of_birth = 'Enter a date of birth or an expected date of delivery, not both';
  }
  const dis = (v.disabilities as string[]) ?? [];
  if (dis.includes('NONE') && dis.length > 1) errors.disabilities = "Select 'No disability' or one or more disabilities, not both";
  const input: ChildInput = {
    first_name: v.first_name as string | null,
    last_name: v.last_name as string | null,
    cms_id: v.cms_id as string | null,
    date_of_birth: v.date_of_birth as string | null,
    expected_date_of_birth: v.expected_date_of_birth as string | null,
    sex: v.sex as string | null,
    ethnicity: v.ethnicity as string | null,
    disabilities: dis,
    disability_self_reported: v.disability_self_reported as boolean | null,
  };
  return { input, raw: parsed.raw, errors };
}
