import { Router, type NextFunction, type Request, type RequestHandler, type Response } from 'express';
import type { Services } from '../services.js';
import { requirePermission, requireSignIn } from './authorisation.js';
import { auditEvent } from '../audit/audit.js';
import { hasErrors, type FormErrors } from '../common/forms.js';
import { can, homeFor, type Role } from './roles.js';
import { findUserForSignIn, isLocked, recordFailedSignIn, setPasswordHash } from './users.js';
import { hashPassword, passwordProblem, verifyPassword, MIN_PASSWORD_LENGTH } from './passwords.js';
import { consumePasswordLink, findPasswordLink, hideTokens, withdrawPasswordLinks } from './password-links.js';
import {
  AUDIT_PAGE_SIZE, type AccountAuditRow, acknowledgeReviews, describeActor, describeChange, formatWhen, listAccountChanges, pendingReviews, recordAccountChanges,
} from './account-audit.js';

// The pages each person has for their own account (Your account, change your password), the
// one-time set-password page a link opens, and the account audit that managers and data
// leads read (with the data leads' acknowledgement of changes that gave someone case data).

/** How many waiting changes the data leads' notice lists before sending them to the Account changes page. */
const NOTICE_ITEMS = 10;

const PASSWORD_HINT = `At least ${MIN_PASSWORD_LENGTH} characters, and not a common password. 3 or more random words make a strong password that is easy to remember.`;

export function accountRoutes({ db, config }: Services, limiter: RequestHandler): Router {
  const router = Router();
  const readAudit = requirePermission('account-audit');
  const review = requirePermission('account-review');

  // ---- the data leads' notice -----------------------------------------------------------

  // On a data lead's home page: the account changes that gave someone case data and wait for
  // a data lead (views/auth/account-notice.ejs, shown by the page header).
  router.use(async (req: Request, res: Response, next: NextFunction) => {
    try {
      const user = req.user;
      if (req.method === 'GET' && user && can(user.role, 'account-review') && req.path === homeFor(user.role as Role)) {
        const waiting = await pendingReviews(db, user.id);
        if (waiting.length) res.locals.accountNotice = noticeOf(waiting);
      }
      next();
    } catch (err) {
      next(err);
    }
  });

  // ---- your account ---------------------------------------------------------------------

  router.get('/account', requireSignIn, async (req, res) => {
    const account = (await findUserForSignIn(db, req.user!.email))!;
    res.render('auth/account', {
      title: 'Your account',
      account: { ...account, password_hash: undefined, hasPassword: !!account.password_hash },
      changed: req.query['password-changed'] === '1',
    });
  });

  const renderChangePassword = (res: Response, status: number, hasPassword: boolean, errors: FormErrors) =>
    res.status(status).render('auth/change-password', { title: 'Change your password', hasPassword, errors, passwordHint: PASSWORD_HINT, backLink: '/account' });

  router.get('/account/password', requireSignIn, async (req, res) => {
    const account = (await findUserForSignIn(db, req.user!.email))!;
    renderChangePassword(res, 200, !!account.password_hash, {});
  });

  router.post('/account/password', requireSignIn, limiter, async (req, res, next) => {
    const account = (await findUserForSignIn(db, req.user!.email))!;
    if (!account.password_hash) return renderChangePassword(res, 400, false, {});
    const current = typeof req.body?.current_password === 'string' ? req.body.current_password : '';
    const next_ = typeof req.body?.new_password === 'string' ? req.body.new_password : '';
    const errors: FormErrors = {};
    if (!current) errors.current_password = 'Enter your current password';
    const problem = passwordProblem(next_, account.email);
    if (problem) errors.new_password = problem.replace(/^Password/, 'New password').replace(/^Enter a password$/, 'Enter a new password');
    if (hasErrors(errors)) return renderChangePassword(res, 400, true, errors);
    if (isLocked(account)) {
      return renderChangePassword(res, 400, true, { current_password: 'Your password cannot be checked now because of too many wrong attempts. Try again later' });
    }
    if (!(await verifyPassword(account.password_hash, current))) {
      // A wrong current password counts towards the lockout, as at sign-in.
      await recordFailedSignIn(db, account.id, config.lockoutAttempts, config.lockoutMinutes);
      await auditEvent(db, account.id, 'sign-in-failed', 'user', 'wrong current password when changing it');
      return renderChangePassword(res, 400, true, { current_password: 'Your current password is not correct' });
    }
    if (next_ === current) return renderChangePassword(res, 400, true, { new_password: 'New password must be different from your current password' });
    const hash = await hashPassword(next_);
    await db.transaction(async (trx) => {
      await setPasswordHash(trx, account.id, hash);
      await withdrawPasswordLinks(trx, account.id);
      await recordAccountChanges(trx, [{ accountId: account.id, actorId: account.id, channel: 'web', action: 'password-changed' }]);
    });
    // A new session id, as at sign-in.
    req.logIn(req.user!, (err) => (err ? next(err) : res.redirect('/account?password-changed=1')));
  });

  // ---- set a password with a one-time link ----------------------------------------------

  // The token is in the page's address: no Referer carries it anywhere, and logs show the
  // path without it (hideTokens, used by the request log and, here, for the error log).
  const tokenPage: RequestHandler = (req, res, next) => {
    res.locals.linkToken = String(req.params.token ?? '');
    req.url = hideTokens(req.url);
    res.setHeader('Referrer-Policy', 'no-referrer');
    next();
  };
  const unusable = (res: Response) =>
    res.status(404).render('auth/link-unusable', { title: 'This link cannot be used' });
  const renderSetPassword = (res: Response, status: number, link: { email: string; purpose: string }, errors: FormErrors) =>
    res.status(status).render('auth/set-password', {
      title: link.purpose === 'reset' ? 'Set a new password' : 'Set your password',
      link, errors, passwordHint: PASSWORD_HINT, action: `/set-password/${res.locals.linkToken}`,
    });

  router.get('/set-password/:token', tokenPage, async (_req, res) => {
    const link = await findPasswordLink(db, res.locals.linkToken);
    if (!link) return unusable(res);
    renderSetPassword(res, 200, link, {});
  });

  router.post('/set-password/:token', tokenPage, async (req, res, next) => {
    const link = await findPasswordLink(db, res.locals.linkToken);
    if (!link) return unusable(res);
    const password = typeof req.body?.password === 'string' ? req.body.password : '';
    const problem = passwordProblem(password, link.email);
    if (problem) return renderSetPassword(res, 400, link, { password: problem });
    const hash = await hashPassword(password);
    const done = await db.transaction(async (trx) => {
      if (!(await consumePasswordLink(trx, link.linkId))) return false;
      await setPasswordHash(trx, link.userId, hash);
      await withdrawPasswordLinks(trx, link.userId);
      await recordAccountChanges(trx, [{ accountId: link.userId, actorId: link.userId, channel: 'web', action: 'password-set', newValue: link.purpose }]);
      return true;
    });
    if (!done) return unusable(res);
    // Whoever was signed in on this browser is signed out: the person now signs in with the new password.
    if (!req.user) return res.redirect('/sign-in?password-set=1');
    req.logOut((err) => (err ? next(err) : res.redirect('/sign-in?password-set=1')));
  });

  // ---- the account audit --------------------------------------------------------------------

  router.get('/account-audit', readAudit, async (req, res) => {
    const page = /^[1-9]\d{0,5}$/.test(String(req.query.page ?? '')) ? Number(req.query.page) : 1;
    const { rows, total } = await listAccountChanges(db, page);
    const reader = req.user!;
    const canReview = can(reader.role, 'account-review');
    // A data lead acknowledges every waiting change but those to their own account (another data lead does).
    const all = await pendingReviews(db, null);
    const waiting = all.filter((r) => !canReview || r.account_id !== reader.id);
    const own = canReview ? all.filter((r) => r.account_id === reader.id) : [];
    const acknowledged = /^\d{1,6}$/.test(String(req.query.acknowledged ?? '')) ? Number(req.query.acknowledged) : null;
    res.render('auth/account-audit', {
      title: 'Account changes',
      rows: rows.map(shown),
      waiting: waiting.map(shown),
      own: own.map(shown),
      canReview,
      acknowledged,
      page,
      pages: Math.max(1, Math.ceil(total / AUDIT_PAGE_SIZE)),
      total,
    });
  });

  router.post('/account-audit/acknowledge', review, async (req, res) => {
    const ids = String(req.body?.ids ?? '')
      .split(',')
      .filter((s) => /^[1-9]\d{0,9}$/.test(s.trim()))
      .map(Number)
      .slice(0, 1000);
    const n = await acknowledgeReviews(db, req.user!.id, ids);
    res.redirect(`/account-audit?acknowledged=${n}`);
  });

  return router;
}

const shown = (r: AccountAuditRow) => ({
  ...r,
  change: describeChange(r),
  by: describeActor(r),
  when: formatWhen(r.at),
  reviewedWhen: formatWhen(r.reviewed_at),
});

function noticeOf(waiting: Awaited<ReturnType<typeof pendingReviews>>) {
  const items = waiting.slice(0, NOTICE_ITEMS).map(shown);
  return { items, more: waiting.length - items.length, ids: items.map((r) => r.id).join(',') };
}
