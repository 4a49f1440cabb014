// The code lists (views/admin/code-lists.ejs), and one list with its values (views/admin/code-list.ejs):
// a value added, or retired (hidden from forms), never deleted: records may hold it.
import type { Request, Response } from 'express';
import type { Services } from '../../services.js';
import { auditChanges } from '../../audit/audit.js';
import { hasErrors, str, type FormErrors, type FormValues } from '../../common/forms.js';
import { notFound } from '../../middleware/errors.js';
import { CODE_LIST_NAMES } from '../../../db/seed/code-lists.js';
import { loadCodeLists } from '../../codes/code-lists.js';

type ListName = keyof typeof CODE_LIST_NAMES;

function listName(req: Request): ListName {
  const name = String(req.params.list);
  if (!Object.hasOwn(CODE_LIST_NAMES, name)) throw notFound(); // not "in": toString is in every object
  return name as ListName;
}

export function codeListsPage({ db }: Services) {
  async function get(_req: Request, res: Response) {
    const lists = await loadCodeLists(db);
    res.render('admin/code-lists', { title: 'Code lists', names: CODE_LIST_NAMES, lists });
  }

  return { get };
}

export function codeListPage({ db }: Services) {
  async function render(res: Response, status: number, list: ListName, values: FormValues, errors: FormErrors) {
    const lists = await loadCodeLists(db);
    res.status(status).render('admin/code-list', { title: CODE_LIST_NAMES[list], list, entries: lists[list], values, errors, backLink: '/admin/code-lists' });
  }

  async function get(req: Request, res: Response) {
    await render(res, 200, listName(req), {}, {});
  }

  async function post(req: Request, res: Response) {
    const list = listName(req);
    const code = str(req.body.code).toUpperCase();
    const label = str(req.body.label);
    const group = str(req.body.group);
    const errors: FormErrors = {};
    if (!/^[A-Z0-9_]{1,20}$/.test(code)) errors.code = 'Code must be 1 to 20 capital letters, digits or underscores';
    else if (code === 'NR') errors.code = 'NR is kept for “Not recorded” in reports';
    else if (await db('code_lists').where({ list, code }).first()) errors.code = 'This code is already on the list';
    if (!label) errors.label = 'Enter the label';
    else if (label.length > 200) errors.label = 'Label must be 200 characters or fewer';
    if (list === 'ethnicity' && !group) errors.group = 'Enter the major ethnic group this code belongs to';
    if (hasErrors(errors)) return render(res, 400, list, { code, label, group }, errors);
    const [{ max }] = await db('code_lists').where({ list }).max({ max: 'sort_order' });
    await db.transaction(async (trx) => {
      await trx('code_lists').insert({ list, code, label, group_label: group || null, sort_order: Number(max ?? 0) + 10, retired: false });
      await auditChanges(trx, { userId: req.user!.id }, `code_list:${list}`, 0, 'create', {}, { code, label, group });
    });
    res.redirect(`/admin/code-lists/${list}`);
  }

  async function retire(req: Request, res: Response) {
    const list = listName(req);
    const code = String(req.params.code);
    const entry = await db('code_lists').where({ list, code }).first();
    if (!entry) throw notFound();
    const retired = req.body.retired === 'yes';
    await db.transaction(async (trx) => {
      await trx('code_lists').where({ list, code }).update({ retired });
      await auditChanges(trx, { userId: req.user!.id }, `code_list:${list}`, 0, 'update', { [code]: entry.retired ? 'retired' : 'active' }, { [code]: retired ? 'retired' : 'active' });
    });
    res.redirect(`/admin/code-lists/${list}`);
  }

  return { get, post, retire };
}
