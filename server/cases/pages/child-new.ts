// Add a child to a family (views/cases/child-form.ejs).
import type { Request, Response } from 'express';
import type { Services } from '../../services.js';
import { currentCodeLists } from '../../codes/code-lists.js';
import { todayIso } from '../../common/dates.js';
import { confirm } from '../../common/flash.js';
import { hasErrors } from '../../common/forms.js';
import { notFound } from '../../middleware/errors.js';
import { parseChildForm } from '../child-form.js';
import { createChild, loadFamilyWithChildren } from '../children-repository.js';
import { loadFamily } from '../families-repository.js';
import { childName, commonSurname } from '../names.js';
import { auditContext } from '../http.js';
import { idParam } from '../../middleware/params.js';
import { childRuleErrors, confirmIfDuplicates, renderChildForm } from './child-details.js';

export function childNewPage({ db }: Services) {
  async function get(req: Request, res: Response) {
    const loaded = await loadFamilyWithChildren(db, idParam(req));
    if (!loaded) throw notFound();
    // offered the family's surname (the one most of its children have), to change if it differs
    await renderChildForm(db, req, res, 200, { family: loaded.family, values: { last_name: commonSurname(loaded.children.filter((c) => !c.merged_into_id)) ?? '' }, errors: {} });
  }

  async function post(req: Request, res: Response) {
    const family = await loadFamily(db, idParam(req));
    if (!family) throw notFound();
    const child = parseChildForm(req.body, await currentCodeLists(db, req), todayIso());
    if (req.body.change_details === 'yes') return renderChildForm(db, req, res, 200, { family, values: child.raw, errors: {} });
    const errors = { ...child.errors };
    if (!hasErrors(errors)) await childRuleErrors(db, errors, child.input);
    if (hasErrors(errors)) return renderChildForm(db, req, res, 400, { family, values: child.raw, errors });
    if (await confirmIfDuplicates(db, req, res, child.input, family.id, `/families/${family.id}/children`, `/families/${family.id}/children/new`)) return;
    await db.transaction((trx) => createChild(trx, auditContext(req), family.id, child.input));
    confirm(req, `${childName(child.input)} added to the family`);
    res.redirect(`/families/${family.id}`);
  }

  return { get, post };
}
