// Change a user's role, team or whether the account is active, or make a new link to set
// their password (views/admin/user-edit.ejs). Every change goes to the account audit, and one
// that gives someone case data waits for a data lead (server/auth/account-audit.ts).
import type { Request, Response } from 'express';
import type { Services } from '../../services.js';
import { updateUser, type User } from '../../auth/users.js';
import { LINK_HOURS, issuePasswordLink, withdrawPasswordLinks } from '../../auth/password-links.js';
import { accountEditChanges, needsReview, recordAccountChanges } from '../../auth/account-audit.js';
import { hasErrors, type FormErrors, type FormValues } from '../../common/forms.js';
import { parseAccountEdit, roleOptions } from '../forms.js';
import { accountOf, showLinkOnce } from './accounts.js';

function render(res: Response, status: number, account: User, values: FormValues, errors: FormErrors) {
  res.status(status).render('admin/user-edit', { title: `Change ${account.name}`, account, values, errors, roleOptions, linkHours: LINK_HOURS, backLink: '/admin/users' });
}

export function userEditPage({ db }: Services) {
  async function get(req: Request, res: Response) {
    const user = await accountOf(db, req);
    render(res, 200, user, { role: user.role, team: user.team ?? '', active: user.active ? 'yes' : 'no' }, {});
  }

  async function post(req: Request, res: Response) {
    const user = await accountOf(db, req);
    const { values, errors, changes } = parseAccountEdit(req.body, user, req.user!.id);
    if (hasErrors(errors)) return render(res, 400, user, values, errors);
    await db.transaction(async (trx) => {
      await updateUser(trx, user.id, changes);
      await recordAccountChanges(trx, accountEditChanges(user, changes, { accountId: user.id, actorId: req.user!.id, channel: 'web' }));
      // A deactivated account's waiting links stop working (and stay stopped if it comes back).
      if (!changes.active) await withdrawPasswordLinks(trx, user.id);
    });
    res.redirect('/admin/users');
  }

  // A new link to set a password, for someone who has forgotten theirs or whose first link ran
  // out. Their current password keeps working until the link is used.
  async function resetPassword(req: Request, res: Response) {
    const user = await accountOf(db, req);
    if (!user.active) {
      return render(res, 400, user, { role: user.role, team: user.team ?? '', active: 'no' }, { reset: 'Reactivate the account before creating a link to set its password' });
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
  }

  return { get, post, resetPassword };
}
