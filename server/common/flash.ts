import type { NextFunction, Request, Response } from 'express';

// A confirmation after a save ("Consent recorded for Amy Smith"): kept in the session by the
// handler that saved, shown once as a GOV.UK success banner on the next page drawn.
// It is taken only by a page that draws it, never by an error page (it names children) nor
// by a download or an asset on the way.

type WithFlash = { flash?: string };

/** Says what was saved, on the next page. */
export function confirm(req: Request, message: string): void {
  (req.session as unknown as WithFlash).flash = message;
}

/**
 * Gives the views `confirmation()`: the waiting message, taken from the session when a page shows it.
 * A redirect made with a confirmation waiting is sent once the session is saved: express-session
 * sends a response's headers before it has saved the session, and a browser follows the
 * redirect as soon as it has them, so with several database connections the next page could
 * read the session before the confirmation was in it (and show no banner).
 */
export function takeConfirmation(req: Request, res: Response, next: NextFunction): void {
  const redirect = res.redirect.bind(res) as (...args: unknown[]) => void;
  res.redirect = ((...args: unknown[]) => {
    const session = req.session as (Request['session'] & WithFlash) | undefined;
    if (!session?.flash) return redirect(...args);
    session.save((err) => (err ? next(err) : redirect(...args)));
  }) as Response['redirect'];
  res.locals.confirmation = (): string | undefined => {
    const session = req.session as unknown as WithFlash | undefined;
    if (req.method !== 'GET' || res.statusCode >= 400 || !session?.flash) return undefined;
    const message = session.flash;
    delete session.flash;
    return message;
  };
  next();
}
