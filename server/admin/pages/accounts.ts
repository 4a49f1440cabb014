// What the account pages share: the account the route names, and the one-time link to set a password.
import type { Request } from 'express';
import type { Knex } from 'knex';
import { findUserById } from '../../auth/users.js';
import { passwordLinkUrl, type LinkPurpose } from '../../auth/password-links.js';
import { notFound } from '../../middleware/errors.js';
import { idParam } from '../../middleware/params.js';

/** The account the route's :id names; 404 when there is none. */
export async function accountOf(db: Knex, req: Request) {
  const user = await findUserById(db, idParam(req));
  if (!user) throw notFound();
  return user;
}

/** Puts a link just made in the session for the link page to show, once (the token is stored nowhere else). */
export function showLinkOnce(req: Request, userId: number, purpose: LinkPurpose, link: { token: string; expiresAt: string }) {
  req.session.passwordLink = { userId, purpose, url: passwordLinkUrl(`${req.protocol}://${req.get('host')}`, link.token), expiresAt: link.expiresAt };
}

declare module 'express-session' {
  interface SessionData {
    passwordLink?: { userId: number; purpose: LinkPurpose; url: string; expiresAt: string };
  }
}
