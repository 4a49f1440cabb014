// The administrator's forms (accounts, service settings), parsed and checked. Pure.
import { z } from 'zod';
import { ROLES, ROLE_LABELS, isRole, type Role } from '../auth/roles.js';
import { str, type FormErrors } from '../common/forms.js';
import { cmsIdPatternProblem } from '../common/cms-id.js';
import { SETTINGS } from './settings.js';

export const userSchema = z.object({
  name: z.string().trim().min(1, 'Enter the full name').max(200, 'Name must be 200 characters or fewer'),
  email: z.string().trim().min(1, 'Enter an email address').email('Enter an email address in the correct format, like name@example.gov.uk'),
  role: z.string().refine(isRole, 'Select a role'),
  team: z.string().trim().max(100, 'Team must be 100 characters or fewer').optional(),
});

export const roleOptions = ROLES.map((r) => ({ value: r, text: ROLE_LABELS[r] }));

/** The change-account form: role, team and whether the account is active; no one takes away their own administrator access. */
export function parseAccountEdit(body: Record<string, unknown>, account: { id: number }, actorId: number) {
  const values = { role: str(body.role), team: str(body.team), active: str(body.active) };
  const errors: FormErrors = {};
  if (!isRole(values.role)) errors.role = 'Select a role';
  if (!['yes', 'no'].includes(values.active)) errors.active = 'Select whether the account is active';
  if (values.team.length > 100) errors.team = 'Team must be 100 characters or fewer';
  if (account.id === actorId && (values.role !== 'admin' || values.active !== 'yes')) {
    errors.role = 'You cannot remove your own administrator access. Ask another administrator.';
  }
  const changes = { role: values.role as Role, team: values.team || null, active: values.active === 'yes' };
  return { values, errors, changes };
}

/** The service settings form. */
export function parseSettings(body: Record<string, unknown>) {
  const values: Record<string, string> = {};
  const errors: FormErrors = {};
  for (const s of SETTINGS) {
    const v = str(body[s.key]);
    if (v.length > 4000) errors[s.key] = `${s.label} must be 4000 characters or fewer`;
    values[s.key] = v;
  }
  if (values.la_code && !/^\d{3}$/.test(values.la_code)) errors.la_code = 'DfE local authority code must be 3 digits, like 201';
  if (values.contact_email && !z.string().email().safeParse(values.contact_email).success) errors.contact_email = 'Enter an email address in the correct format, like name@example.gov.uk';
  const patternProblem = cmsIdPatternProblem(values.cms_id_pattern ?? '');
  if (patternProblem) errors.cms_id_pattern = patternProblem;
  if (values.retention_years && !/^\d{1,2}$/.test(values.retention_years)) errors.retention_years = 'Years to keep must be a whole number, like 7';
  return { values, errors };
}
