// Change a child's details (views/cases/child-form.ejs).
import type { Request, Response } from 'express';
import type { Services } from '../../services.js';
import { currentCodeLists } from '../../codes/code-lists.js';
import { todayIso } from '../../common/dates.js';
import { confirm } from '../../common/flash.js';
import { hasErrors } from '../../common/forms.js';
import { notFound } from '../../middleware/errors.js';
import { parseChildForm } from '../child-form.js';
import { loadChild, updateChild } from '../children-repository.js';
import { loadFamily } from '../families-repository.js';
import { rawFromRecord } from '../form-parsing.js';
import { childName } from '../names.js';
import { CHILD_FIELDS } from '../stages.js';
import { auditContext, versionField } from '../http.js';
import { idParam } from '../../middleware/params.js';
import { STALE_MESSAGE, savedUnlessStale } from '../locking.js';
import { childRuleErrors, renderChildForm } from './child-details.js';

export function childEditPage({ db }: Services) {
  async function get(req: Request, res: Response) {
    const child = await loadChild(db, idParam(req));
    if (!child) throw notFound();
    const family = await loadFamily(db, child.family_id);
    if (!family) throw notFound();
    await renderChildForm(db, req, res, 200, { family, child, values: { ...rawFromRecord(CHILD_FIELDS, child), version: child.version }, errors: {} });
  }

  async function post(req: Request, res: Response) {
    const before = await loadChild(db, idParam(req));
    if (!before) throw notFound();
    const family = await loadFamily(db, before.family_id);
    if (!family) throw notFound();
    const parsed = parseChildForm(req.body, await currentCodeLists(db, req), todayIso(), before);
    const errors = { ...parsed.errors };
    if (!hasErrors(errors)) await childRuleErrors(db, errors, parsed.input, before.id);
    if (hasErrors(errors)) {
      return renderChildForm(db, req, res, 400, { family, child: before, values: { ...parsed.raw, version: req.body.version }, errors });
    }
    if (!(await savedUnlessStale(() => db.transaction((trx) => updateChild(trx, auditContext(req), before, versionField(req), parsed.input))))) {
      return renderChildForm(db, req, res, 409, { family, child: before, values: { ...rawFromRecord(CHILD_FIELDS, before), version: before.version }, errors: { form: STALE_MESSAGE } });
    }
    confirm(req, `Details of ${childName(parsed.input)} saved`);
    res.redirect(`/families/${before.family_id}`);
  }

  return { get, post };
}
