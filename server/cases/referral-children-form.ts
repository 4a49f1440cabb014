// The referral's children forms (which children it covers; their outcomes), parsed. Pure.
import { str, type FormErrors, type FormValues } from '../common/forms.js';
import type { CodeLists } from '../codes/code-lists.js';
import type { Child, Referral, ReferralChild } from './types.js';
import { OUTCOME_FIELDS } from './stages.js';
import { childName } from './names.js';

type OutcomeField = (typeof OUTCOME_FIELDS)[number];

/** Which children the referral covers, and each one's legal status at referral. Pure. */
export function parseReferralChildren(body: Record<string, unknown>, familyChildren: Child[], codes: CodeLists) {
  const chosen = new Set((Array.isArray(body.children) ? body.children : body.children ? [body.children] : []).map(String));
  const errors: FormErrors = {};
  const selected = familyChildren.filter((c) => chosen.has(String(c.id)));
  if (!selected.length) errors.children = 'Select at least one child this referral covers';
  if (chosen.size !== selected.length) errors.children = 'Select children from this family only';
  const rows = selected.map((c) => {
    const status = str(body[`legal_status_${c.id}`]);
    if (status && !codes.legal_status.some((x) => x.code === status)) errors[`legal_status_${c.id}`] = 'Select a legal status from the list';
    // A child with no CMS record is, by definition, not known to children's social care.
    return { child_id: c.id, legal_status: status || (c.cms_id ? null : 'NKCSC') };
  });
  return { rows, errors, raw: { children: [...chosen], ...Object.fromEntries(familyChildren.map((c) => [`legal_status_${c.id}`, str(body[`legal_status_${c.id}`])])) } };
}

/** The names of the children on a referral (from the family's children), for confirmations. Pure. */
export function namesOn(children: { id: number; first_name: string | null; last_name: string | null; date_of_birth: string | null; expected_date_of_birth: string | null }[], on: { child_id: number }[]): string {
  const ids = new Set(on.map((c) => c.child_id));
  const names = children.filter((c) => ids.has(c.id)).map(childName);
  return names.length ? names.join(', ') : 'the referral';
}

const OUTCOME_LISTS: Record<OutcomeField, string> = {
  outcome_6m_legal_status: 'outcome_legal_status', outcome_12m_legal_status: 'outcome_legal_status',
  outcome_6m_living: 'living_arrangement', outcome_12m_living: 'living_arrangement',
};

/** The outcomes form: each child's outcome at 6 and 12 months, as rows for setReferralChildren. Pure. */
export function parseOutcomes(body: Record<string, unknown>, referral: Pick<Referral, 'children' | 'initial_fgc_date'>, codes: CodeLists) {
  const errors: FormErrors = {};
  const values: FormValues = { version: body.version };
  const rows = referral.children.map((c) => {
    const row: Pick<ReferralChild, 'child_id' | 'legal_status'> & Partial<Record<OutcomeField, string | null>> = { child_id: c.child_id, legal_status: c.legal_status };
    for (const f of OUTCOME_FIELDS) {
      const key = `${f}_${c.child_id}`;
      const v = str(body[key]);
      values[key] = v;
      if (v && !codes[OUTCOME_LISTS[f]].some((x) => x.code === v)) errors[key] = 'Select an outcome from the list';
      row[f] = v || null;
    }
    return row;
  });
  if (!referral.initial_fgc_date && rows.some((r) => OUTCOME_FIELDS.some((f) => r[f]))) {
    errors.form = 'Outcomes are recorded 6 and 12 months after the initial conference, which has not been held';
  }
  return { rows, values, errors };
}
