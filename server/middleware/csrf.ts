import type { NextFunction, Request, Response } from 'express';
import { csrfSync } from 'csrf-sync';

const { csrfSynchronisedProtection, generateToken } = csrfSync({
  getTokenFromRequest: (req) => (req.body?._csrf as string | undefined) ?? (req.headers['x-csrf-token'] as string | undefined),
  errorConfig: { statusCode: 403, message: 'Invalid or missing CSRF token', code: 'EBADCSRFTOKEN' },
});

// Every form carries res.locals.csrfToken; every unsafe request must echo it.
export function setUpCsrf() {
  return [
    csrfSynchronisedProtection,
    (req: Request, res: Response, next: NextFunction) => {
      res.locals.csrfToken = generateToken(req);
      next();
    },
  ];
}
