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
 * (The redirect after a save waits for the session to be saved: saveBeforeRedirect.)
 */
export function takeConfirmation(req: Request, res: Response, next: NextFunction): void {
  res.locals.confirmation = (): string | undefined => {
    const session = req.session as unknown as WithFlash | undefined;
    if (req.method !== 'GET' || res.statusCode >= 400 || !session?.flash) return undefined;
    const message = session.flash;
    delete session.flash;
    return message;
  };
  next();
}
