import type { NextFunction, Request, Response } from 'express';

// A confirmation after a save ("Consent recorded for Amy Smith"): kept in the session by the
// handler that saved, shown once as a GOV.UK success banner on the next page drawn.

type WithFlash = { flash?: string };

/** Says what was saved, on the next page. */
export function confirm(req: Request, message: string): void {
  (req.session as unknown as WithFlash).flash = message;
}

/** Moves a waiting confirmation to the page being drawn (GET requests only). */
export function takeConfirmation(req: Request, res: Response, next: NextFunction): void {
  const session = req.session as unknown as WithFlash | undefined;
  if (req.method === 'GET' && session?.flash) {
    res.locals.confirmation = session.flash;
    delete session.flash;
  }
  next();
}
