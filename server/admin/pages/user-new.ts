// Add a user (views/admin/user-new.ejs). A new account gets a one-time link to set its
// password, shown once, never a password chosen by the administrator.
import type { Request, Response } from 'express';
import type { Services } from '../../services.js';
import type { Role } from '../../auth/roles.js';
import { createUser } from '../../auth/users.js';
import { LINK_HOURS, issuePasswordLink } from '../../auth/password-links.js';
import { needsReview, recordAccountChanges } from '../../auth/account-audit.js';
import { fieldErrors, str, type FormErrors, type FormValues } from '../../common/forms.js';
import { roleOptions, userSchema } from '../forms.js';
import { showLinkOnce } from './accounts.js';

function render(res: Response, status: number, values: FormValues, errors: FormErrors) {
  res.status(status).render('admin/user-new', { title: 'Add a user', values, errors, roleOptions, linkHours: LINK_HOURS, backLink: '/admin/users' });
}

export function userNewPage({ db }: Services) {
  function get(_req: Request, res: Response) {
    render(res, 200, {}, {});
  }

  async function post(req: Request, res: Response) {
    const parsed = userSchema.safeParse(req.body ?? {});
    const values = { name: str(req.body.name), email: str(req.body.email), role: str(req.body.role), team: str(req.body.team) };
    if (!parsed.success) return render(res, 400, values, fieldErrors(parsed.error));
    if (await db('users').whereRaw('lower(email) = ?', [values.email.toLowerCase()]).first()) {
      return render(res, 400, values, { email: 'A user with this email address already exists' });
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
  }

  return { get, post };
}
