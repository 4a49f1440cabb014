// Add a family, with its first child (views/cases/family-new.ejs).
import type { Request, Response } from 'express';
import type { Services } from '../../services.js';
import { currentCodeLists, type CodeLists } from '../../codes/code-lists.js';
import { todayIso } from '../../common/dates.js';
import { confirm } from '../../common/flash.js';
import { hasErrors, str, type FormErrors, type FormValues } from '../../common/forms.js';
import { parseChildForm } from '../child-form.js';
import { createChild } from '../children-repository.js';
import { createFamily, familyRefTaken } from '../families-repository.js';
import { childName } from '../names.js';
import { CHILD_FIELDS } from '../stages.js';
import { auditContext } from '../http.js';
import { childRuleErrors, confirmIfDuplicates } from './child-details.js';

function render(res: Response, status: number, values: FormValues, errors: FormErrors, codes: CodeLists) {
  res.status(status).render('cases/family-new', { title: 'Add a family', values, errors, codes, fields: CHILD_FIELDS, backLink: '/cases' });
}

export function familyNewPage({ db }: Services) {
  async function get(req: Request, res: Response) {
    render(res, 200, {}, {}, await currentCodeLists(db, req));
  }

  async function post(req: Request, res: Response) {
    const codes = await currentCodeLists(db, req);
    const familyRef = str(req.body.family_ref);
    const child = parseChildForm(req.body, codes, todayIso());
    const errors = { ...child.errors };
    if (familyRef.length > 60) errors.family_ref = 'Family reference must be 60 characters or fewer';
    else if (familyRef && (await familyRefTaken(db, familyRef))) errors.family_ref = 'A family with this reference already exists';
    if (req.body.change_details === 'yes') return render(res, 200, { ...child.raw, family_ref: familyRef }, {}, codes);
    if (!hasErrors(child.errors)) await childRuleErrors(db, errors, child.input);
    if (hasErrors(errors)) return render(res, 400, { ...child.raw, family_ref: familyRef }, errors, codes);
    if (await confirmIfDuplicates(db, req, res, child.input, null, '/families', '/families/new')) return;
    const familyId = await db.transaction(async (trx) => {
      const id = await createFamily(trx, auditContext(req), familyRef || null);
      await createChild(trx, auditContext(req), id, child.input);
      return id;
    });
    confirm(req, `Family added, with ${childName(child.input)}`);
    res.redirect(`/families/${familyId}`);
  }

  return { get, post };
}
