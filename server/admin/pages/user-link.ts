// The link to set a password, shown once (views/admin/user-link.ejs): it is taken out of the
// session as the page is made.
import type { Request, Response } from 'express';
import type { Services } from '../../services.js';
import { LINK_HOURS } from '../../auth/password-links.js';
import { formatWhen } from '../../auth/account-audit.js';
import { accountOf } from './accounts.js';

export function userLinkPage({ db }: Services) {
  async function get(req: Request, res: Response) {
    const user = await accountOf(db, req);
    const flash = req.session.passwordLink;
    const link = flash && flash.userId === user.id ? flash : undefined;
    if (link) delete req.session.passwordLink;
    res.render('admin/user-link', { title: link ? `Link for ${user.name}` : `No link to show for ${user.name}`, account: user, link, linkHours: LINK_HOURS, formatWhen, backLink: '/admin/users' });
  }

  return { get };
}
