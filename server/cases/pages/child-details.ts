// What the pages that take a child's details share (a new family, a new child, a change to a
// child): the form, the data-quality rules' errors, and the check for children already recorded.
import type { Request, Response } from 'express';
import type { Knex } from 'knex';
import { currentCodeLists } from '../../codes/code-lists.js';
import { todayIso } from '../../common/dates.js';
import type { FormErrors, FormValues } from '../../common/forms.js';
import { checkChild, formErrors, recordContext } from '../../quality/record-checks.js';
import { possibleDuplicates } from '../../duplicates/candidates.js';
import { REASON_TEXT } from '../../duplicates/matcher.js';
import type { ChildInput } from '../children-repository.js';
import { CHILD_FIELDS } from '../stages.js';
import type { Child, Family } from '../types.js';

const CHILD_FIELD_NAMES = CHILD_FIELDS.map((f) => f.name);

/** The child form (views/cases/child-form.ejs): a new child when there is no child. */
export async function renderChildForm(db: Knex, req: Request, res: Response, status: number, o: { family: Family; child?: Child; values: FormValues; errors: FormErrors }) {
  const codes = await currentCodeLists(db, req);
  res.status(status).render('cases/child-form', {
    title: o.child ? 'Change child details' : 'Add a child to the family',
    ...o, child: o.child ?? null, codes, fields: CHILD_FIELDS, backLink: `/families/${o.family.id}`,
  });
}

/** Rule errors on the child as it would be saved, added to the form's own errors. */
export async function childRuleErrors(db: Knex, errors: FormErrors, input: ChildInput, id?: number) {
  const facts = { cms_id: input.cms_id, date_of_birth: input.date_of_birth, expected_date_of_birth: input.expected_date_of_birth, ethnicity: input.ethnicity, id };
  const ctx = await recordContext(db, todayIso(), [facts]);
  for (const [field, message] of Object.entries(formErrors(checkChild(facts, ctx).errors, CHILD_FIELD_NAMES))) errors[field] ??= message;
}

/** Form fields to carry through the duplicate confirmation page, exactly as typed. */
function carriedFields(body: Record<string, unknown>): [string, string][] {
  const out: [string, string][] = [];
  for (const [k, v] of Object.entries(body ?? {})) {
    if (k === '_csrf' || k === 'confirm_duplicates' || k === 'change_details') continue;
    for (const x of Array.isArray(v) ? v : [v]) if (typeof x === 'string') out.push([k, x]);
  }
  return out;
}

/**
 * Before a new child is saved: the children already recorded who may be this child.
 * Renders the confirmation page and returns true when there are any.
 */
export async function confirmIfDuplicates(db: Knex, req: Request, res: Response, input: ChildInput, familyId: number | null, action: string, backLink: string) {
  if (req.body.confirm_duplicates === 'yes') return false;
  const found = await possibleDuplicates(db, { ...input, family_id: familyId });
  if (!found.length) return false;
  res.render('duplicates/confirm-new-child', {
    title: 'These children may already be recorded', action, backLink, carried: carriedFields(req.body),
    duplicates: found.map((d) => ({ ...d.child, reasons: d.reasons.map((r) => REASON_TEXT[r]) })),
    entered: input,
  });
  return true;
}
