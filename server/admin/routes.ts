import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import type { Services } from '../services.js';
import { requirePermission } from '../middleware/authorisation.js';
import { ROLES, ROLE_LABELS, isRole, type Role } from '../auth/roles.js';
import { createUser, findUserById, listAccounts, updateUser, type User } from '../auth/users.js';
import { LINK_HOURS, issuePasswordLink, passwordLinkUrl, withdrawPasswordLinks, type LinkPurpose } from '../auth/password-links.js';
import { accountEditChanges, formatWhen, needsReview, recordAccountChanges } from '../auth/account-audit.js';
import { auditChanges } from '../audit/audit.js';
import { fieldErrors, hasErrors, str, type FormErrors, type FormValues } from '../common/forms.js';
import { idParam } from '../cases/http.js';
import { notFound } from '../middleware/errors.js';
import { CODE_LIST_NAMES } from '../../db/seed/code-lists.js';
import { loadCodeLists } from '../codes/code-lists.js';
import { SETTINGS, loadSettings, saveSettings } from './settings.js';
import { planPurge, purge, retentionCutoff } from './retention.js';
import { cmsIdPatternProblem } from '../quality/context.js';

const userSchema = z.object({
  name: z.string().trim().min(1, 'Enter the full name').max(200, 'Name must be 200 characters or fewer'),
  email: z.string().trim().min(1, 'Enter an email address').email('Enter an email address in the correct format, like name@example.gov.uk'),
  role: z.string().refine(isRole, 'Select a role'),
  team: z.string().trim().max(100, 'Team must be 100 characters or fewer').optional(),
});

const roleOptions = ROLES.map((r) => ({ value: r, text: ROLE_LABELS[r] }));

export function adminRoutes({ db }: Services): Router {
  const router = Router();
  const admin = requirePermission('admin');

  // Administrators look after accounts, but never learn or choose anyone's password: a new
  // account, or a reset, gets a one-time link (server/auth/password-links.ts) that the
  // administrator passes on, shown once. Every change goes to the account audit, and one that
  // gives someone case data waits for a data lead (server/auth/account-audit.ts).
  router.get('/admin/users', admin, async (_req, res) => {
    res.render('admin/users', { title: 'Users', users: await listAccounts(db) });
  });

  const renderNewUser = (res: Response, status: number, values: FormValues, errors: FormErrors) =>
    res.status(status).render('admin/user-new', { title: 'Add a user', values, errors, roleOptions, linkHours: LINK_HOURS, backLink: '/admin/users' });

  router.get('/admin/users/new', admin, (_req, res) => renderNewUser(res, 200, {}, {}));

  router.post('/admin/users', admin, async (req, res) => {
    const parsed = userSchema.safeParse(req.body ?? {});
    const values = { name: str(req.body.name), email: str(req.body.email), role: str(req.body.role), team: str(req.body.team) };
    if (!parsed.success) return renderNewUser(res, 400, values, fieldErrors(parsed.error));
    if (await db('users').whereRaw('lower(email) = ?', [values.email.toLowerCase()]).first()) {
      return renderNewUser(res, 400, values, { email: 'A user with this email address already exists' });
    }
    const actorId = req.user!.id;
    const role = parsed.data.role as Role;
    const { id, link } = await db.transaction(async (trx) => {
      const id = await createUser(trx, { ...parsed.data, role, password: null });
      const link = await issuePasswordLink(trx, id, 'new-account', actorId);
      await recordAccountChanges(trx, [
        { accountId: id, actorId, channel: 'web', action: 'created', newValue: role, review: needsReview({ action: 'created', newValue: role }, role) },
        { accountId: id, actorId, channel: 'web', action: 'link-issued', newValue: 'new-account' },
      ]);
      return { id, link };
    });
    showLinkOnce(req, id, 'new-account', link);
    res.redirect(`/admin/users/${id}/link`);
  });

  const renderEdit = (res: Response, status: number, account: User, values: FormValues, errors: FormErrors) =>
    res.status(status).render('admin/user-edit', { title: `Change ${account.name}`, account, values, errors, roleOptions, linkHours: LINK_HOURS, backLink: '/admin/users' });

  router.get('/admin/users/:id', admin, async (req, res) => {
    const user = await findUserById(db, idParam(req));
    if (!user) throw notFound();
    renderEdit(res, 200, user, { role: user.role, team: user.team ?? '', active: user.active ? 'yes' : 'no' }, {});
  });

  router.post('/admin/users/:id', admin, async (req: Request, res: Response) => {
    const user = await findUserById(db, idParam(req));
    if (!user) throw notFound();
    const values = { role: str(req.body.role), team: str(req.body.team), active: str(req.body.active) };
    const errors: FormErrors = {};
    if (!isRole(values.role)) errors.role = 'Select a role';
    if (!['yes', 'no'].includes(values.active)) errors.active = 'Select whether the account is active';
    if (values.team.length > 100) errors.team = 'Team must be 100 characters or fewer';
    if (user.id === req.user!.id && (values.role !== 'admin' || values.active !== 'yes')) {
      errors.role = 'You cannot remove your own administrator access. Ask another administrator.';
    }
    if (hasErrors(errors)) return renderEdit(res, 400, user, values, errors);
    const changes = { role: values.role as Role, team: values.team || null, active: values.active === 'yes' };
    await db.transaction(async (trx) => {
      await updateUser(trx, user.id, changes);
      await recordAccountChanges(trx, accountEditChanges(user, changes, { accountId: user.id, actorId: req.user!.id, channel: 'web' }));
      // A deactivated account's waiting links stop working (and stay stopped if it comes back).
      if (!changes.active) await withdrawPasswordLinks(trx, user.id);
    });
    res.redirect('/admin/users');
  });

  // A new link to set a password, for someone who has forgotten theirs or whose first link ran
  // out. Their current password keeps working until the link is used.
  router.post('/admin/users/:id/reset-password', admin, async (req, res) => {
    const user = await findUserById(db, idParam(req));
    if (!user) throw notFound();
    if (!user.active) {
      return renderEdit(res, 400, user, { role: user.role, team: user.team ?? '', active: 'no' }, { reset: 'Reactivate the account before creating a link to set its password' });
    }
    const actorId = req.user!.id;
    const link = await db.transaction(async (trx) => {
      const link = await issuePasswordLink(trx, user.id, 'reset', actorId);
      const change = { action: 'link-issued', newValue: 'reset' } as const;
      await recordAccountChanges(trx, [{ accountId: user.id, actorId, channel: 'web', ...change, review: needsReview(change, user.role) }]);
      return link;
    });
    showLinkOnce(req, user.id, 'reset', link);
    res.redirect(`/admin/users/${user.id}/link`);
  });

  // Shows the link just made, once: it is taken out of the session as the page is made.
  router.get('/admin/users/:id/link', admin, async (req, res) => {
    const user = await findUserById(db, idParam(req));
    if (!user) throw notFound();
    const flash = req.session.passwordLink;
    const link = flash && flash.userId === user.id ? flash : undefined;
    if (link) delete req.session.passwordLink;
    res.render('admin/user-link', { title: link ? `Link for ${user.name}` : `No link to show for ${user.name}`, account: user, link, linkHours: LINK_HOURS, formatWhen, backLink: '/admin/users' });
  });

  router.get('/admin/code-lists', admin, async (_req, res) => {
    const lists = await loadCodeLists(db);
    res.render('admin/code-lists', { title: 'Code lists', names: CODE_LIST_NAMES, lists });
  });

  const listName = (req: Request) => {
    const name = String(req.params.list);
    if (!Object.hasOwn(CODE_LIST_NAMES, name)) throw notFound(); // not "in": toString is in every object
    return name as keyof typeof CODE_LIST_NAMES;
  };

  const renderList = async (res: Response, status: number, list: keyof typeof CODE_LIST_NAMES, values: FormValues, errors: FormErrors) => {
    const lists = await loadCodeLists(db);
    res.status(status).render('admin/code-list', { title: CODE_LIST_NAMES[list], list, entries: lists[list], values, errors, backLink: '/admin/code-lists' });
  };

  router.get('/admin/code-lists/:list', admin, async (req, res) => renderList(res, 200, listName(req), {}, {}));

  router.post('/admin/code-lists/:list', admin, async (req, res) => {
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
    if (hasErrors(errors)) return renderList(res, 400, list, { code, label, group }, errors);
    const [{ max }] = await db('code_lists').where({ list }).max({ max: 'sort_order' });
    await db.transaction(async (trx) => {
      await trx('code_lists').insert({ list, code, label, group_label: group || null, sort_order: Number(max ?? 0) + 10, retired: false });
      await auditChanges(trx, { userId: req.user!.id }, `code_list:${list}`, 0, 'create', {}, { code, label, group });
    });
    res.redirect(`/admin/code-lists/${list}`);
  });

  // Values are retired (hidden from forms), never deleted: records may hold them.
  router.post('/admin/code-lists/:list/:code/retire', admin, async (req, res) => {
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
  });

  router.get('/admin/settings', admin, async (req, res) => {
    res.render('admin/settings', { title: 'Service settings', settings: SETTINGS, values: await loadSettings(db), errors: {}, saved: req.query.saved === '1' });
  });

  router.post('/admin/settings', admin, async (req, res) => {
    const values: Record<string, string> = {};
    const errors: FormErrors = {};
    for (const s of SETTINGS) {
      const v = str(req.body[s.key]);
      if (v.length > 4000) errors[s.key] = `${s.label} must be 4000 characters or fewer`;
      values[s.key] = v;
    }
    if (values.la_code && !/^\d{3}$/.test(values.la_code)) errors.la_code = 'DfE local authority code must be 3 digits, like 201';
    if (values.contact_email && !z.string().email().safeParse(values.contact_email).success) errors.contact_email = 'Enter an email address in the correct format, like name@example.gov.uk';
    const patternProblem = cmsIdPatternProblem(values.cms_id_pattern ?? '');
    if (patternProblem) errors.cms_id_pattern = patternProblem;
    if (values.retention_years && !/^\d{1,2}$/.test(values.retention_years)) errors.retention_years = 'Years to keep must be a whole number, like 7';
    if (hasErrors(errors)) return res.status(400).render('admin/settings', { title: 'Service settings', settings: SETTINGS, values, errors, saved: false });
    const before = await loadSettings(db);
    await db.transaction(async (trx) => {
      await saveSettings(trx, values);
      await auditChanges(trx, { userId: req.user!.id }, 'settings', 0, 'update', before, values);
    });
    res.redirect('/admin/settings?saved=1');
  });

  const retentionPage = async (res: Response, status: number, errors: FormErrors, done?: object) => {
    const years = Number((await loadSettings(db)).retention_years || 0);
    const plan = years ? await planPurge(db, retentionCutoff(years)) : null;
    res.status(status).render('admin/retention', { title: 'Data retention', years, plan, errors, done });
  };

  router.get('/admin/retention', admin, async (_req, res) => retentionPage(res, 200, {}));

  router.post('/admin/retention/purge', admin, async (req, res) => {
    const years = Number((await loadSettings(db)).retention_years || 0);
    if (!years) return retentionPage(res, 400, { form: 'Set the number of years to keep closed FGC episodes in the service settings first' });
    if (req.body.confirm !== 'yes') return retentionPage(res, 400, { confirm: 'Confirm that you want to delete these records permanently' });
    const done = await purge(db, req.user!.id, retentionCutoff(years));
    await retentionPage(res, 200, {}, done);
  });

  return router;
}

/** Puts a link just made in the session for the next page to show, once (the token is stored nowhere else). */
function showLinkOnce(req: Request, userId: number, purpose: LinkPurpose, link: { token: string; expiresAt: string }) {
  req.session.passwordLink = { userId, purpose, url: passwordLinkUrl(`${req.protocol}://${req.get('host')}`, link.token), expiresAt: link.expiresAt };
}

declare module 'express-session' {
  interface SessionData {
    passwordLink?: { userId: number; purpose: LinkPurpose; url: string; expiresAt: string };
  }
}
