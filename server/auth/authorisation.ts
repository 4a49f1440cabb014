import type { NextFunction, Request, Response } from 'express';
import { can, type Permission } from './roles.js';

declare module 'express-session' {
  interface SessionData {
    /** the page a signed-out user asked for, to go to after signing in */
    returnTo?: string;
  }
}

export function requireSignIn(req: Request, res: Response, next: NextFunction) {
  if (req.user) return next();
  if (req.method === 'GET') req.session.returnTo = req.originalUrl;
  res.redirect('/sign-in');
}

/** Refuses (403) unless the signed-in user's role grants the permission. */
export function requirePermission(permission: Permission) {
  return (req: Request, res: Response, next: NextFunction) => {
    if (!req.user) return requireSignIn(req, res, next);
    if (can(req.user.role, permission)) return next();
    res.status(403).render('errors/forbidden', { title: 'You do not have access to this page' });
  };
}
