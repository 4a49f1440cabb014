import { Router, type NextFunction, type Request, type Response } from 'express';
import type { AppPassport } from './app-passport.js';
import rateLimit from 'express-rate-limit';
import { z } from 'zod';
import type { Services } from '../services.js';
import { homeFor, isRole } from './roles.js';
import { countUsers, createUser, setPasswordHash } from './users.js';
import { hashPassword, passwordProblem } from './passwords.js';
import { recordAccountChanges } from './account-audit.js';
import { accountRoutes } from './account-routes.js';
import { auditEvent } from '../audit/audit.js';
import { fieldErrors, type FormErrors } from '../common/forms.js';

const firstRunSchema = z.object({
  name: z.string().trim().min(1, 'Enter your full name').max(200, 'Name must be 200 characters or fewer'),
  email: z.string().trim().min(1, 'Enter an email address').email('Enter an email address in the correct format, like name@example.gov.uk'),
  password: z.string().superRefine((p, ctx) => {
    const problem = passwordProblem(p);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  }),
});

export const SIGN_IN_FAILED = 'Enter a correct email address and password';

export function authRoutes(services: Services, passport: AppPassport): Router {
  const { db, rateLimitStore, oidc } = services;
  const router = Router();
  const ssoLabel = oidc?.settings.label;
  const renderSignIn = (res: Response, status: number, values: object, errors: FormErrors) =>
    res.status(status).render('auth/sign-in', { title: 'Sign in', values, errors, ssoLabel });

  // Throttles password guessing from one address; per-account lockout is in passport.ts.
  const signInLimiter = rateLimit({
    windowMs: 15 * 60_000,
    limit: 30,
    standardHeaders: 'draft-7',
    legacyHeaders: false,
    store: rateLimitStore,
    handler: (_req, res) =>
      renderSignIn(res, 429, {}, { email: 'Too many sign-in attempts from this network. Wait 15 minutes and try again.' }),
  });

  router.get('/sign-in', async (req, res) => {
    if (req.user) return res.redirect(homeFor(req.user.role));
    const failure = SSO_FAILURES[String(req.query.sso ?? '')];
    res.locals.passwordSet = req.query['password-set'] === '1';
    // A new installation: point to first run; after it, say the administrator account exists.
    const noAccounts = (await countUsers(db)) === 0;
    res.locals.firstRun = noAccounts;
    res.locals.firstRunDone = !noAccounts && req.query['first-run'] === '1';
    renderSignIn(res, failure ? 401 : 200, {}, failure ? { sso: failure } : {});
  });

  router.post('/sign-in', signInLimiter, (req: Request, res: Response, next: NextFunction) => {
    const email = String(req.body?.email ?? '');
    const errors: FormErrors = {};
    if (!email.trim()) errors.email = 'Enter your email address';
    if (!req.body?.password) errors.password = 'Enter your password';
    if (Object.keys(errors).length) return renderSignIn(res, 400, { email }, errors);
    passport.authenticate('local', (err: unknown, user: Express.User | false) => {
      if (err) return next(err);
      // The same page for every failure (server/auth/sign-in.ts): nothing says whether the address has an account.
      if (!user) return renderSignIn(res, 401, { email }, { email: SIGN_IN_FAILED });
      logInAndRedirect(req, res, next, user);
    })(req, res, next);
  });

  if (oidc) {
    router.get('/sign-in/sso', signInLimiter, passport.authenticate('oidc'));
    router.get('/sign-in/sso/callback', signInLimiter, (req: Request, res: Response, next: NextFunction) => {
      passport.authenticate('oidc', (err: unknown, user: Express.User | false, info?: { message?: string }) => {
        if (err) return res.redirect('/sign-in?sso=error');
        if (!user) return res.redirect(`/sign-in?sso=${encodeURIComponent(info?.message ?? 'error')}`);
        logInAndRedirect(req, res, next, user);
      })(req, res, next);
    });
  }

  router.post('/sign-out', (req, res, next) => {
    const userId = req.user?.id ?? null;
    req.logOut((err) => {
      if (err) return next(err);
      req.session.destroy(async () => {
        if (userId) await auditEvent(db, userId, 'sign-out', 'user').catch(() => undefined);
        res.clearCookie('fgc.sid');
        res.redirect('/sign-in?signed-out=1');
      });
    });
  });

  // Only while no account exists: creates the first administrator.
  router.get('/first-run', async (_req, res) => {
    if ((await countUsers(db)) > 0) return res.redirect('/sign-in');
    res.render('auth/first-run', { title: 'Set up the first administrator', values: {}, errors: {} });
  });

  router.post('/first-run', async (req, res) => {
    if ((await countUsers(db)) > 0) return res.redirect('/sign-in');
    const parsed = firstRunSchema.safeParse(req.body ?? {});
    const problem = parsed.success ? passwordProblem(parsed.data.password, parsed.data.email) : null;
    if (!parsed.success || problem) {
      return res.status(400).render('auth/first-run', {
        title: 'Set up the first administrator',
        values: { name: req.body?.name, email: req.body?.email },
        errors: parsed.success ? { password: problem! } : fieldErrors(parsed.error),
      });
    }
    const passwordHash = await hashPassword(parsed.data.password);
    const created = await db.transaction(async (trx) => {
      if ((await countUsers(trx)) > 0) return false;
      const id = await createUser(trx, { ...parsed.data, role: 'admin', password: null });
      await setPasswordHash(trx, id, passwordHash);
      await auditEvent(trx, id, 'first-run', 'user', 'first administrator created');
      await recordAccountChanges(trx, [{ accountId: id, actorId: id, channel: 'first-run', action: 'created', newValue: 'admin' }]);
      return true;
    });
    if (!created) return res.status(403).redirect('/sign-in');
    res.redirect('/sign-in?first-run=1');
  });

  router.use(accountRoutes(services, signInLimiter));

  return router;
}

export { isRole };

const SSO_FAILURES: Record<string, string> = {
  'no-role': 'Your council account has no role in this service. Ask your administrator to give you one.',
  'no-email': 'Your council account did not give an email address, so you cannot be signed in.',
  inactive: 'Your account has been deactivated. Ask your administrator.',
  error: 'Single sign-on did not complete. Try again.',
};

function logInAndRedirect(req: Request, res: Response, next: NextFunction, user: Express.User) {
  const returnTo = req.session.returnTo;
  // req.logIn regenerates the session id (no session fixation).
  req.logIn(user, (e) => {
    if (e) return next(e);
    const safe = returnTo && returnTo.startsWith('/') && !returnTo.startsWith('//') ? returnTo : homeFor(user.role);
    res.redirect(safe);
  });
}
