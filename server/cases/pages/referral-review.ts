// Record a review conference (views/cases/review-form.ejs).
import type { Request, Response } from 'express';
import type { Services } from '../../services.js';
import { todayIso } from '../../common/dates.js';
import { confirm } from '../../common/flash.js';
import { hasErrors, type FormErrors, type FormValues } from '../../common/forms.js';
import { blockingErrors, checkReferral } from '../../quality/record-checks.js';
import { qualityContext } from '../../quality/context.js';
import { addReview } from '../referrals-repository.js';
import { parseFields } from '../form-parsing.js';
import { namesOn } from '../referral-children-form.js';
import { REVIEW_FIELDS } from '../stages.js';
import { auditContext, versionField } from '../http.js';
import { STALE_MESSAGE, savedUnlessStale } from '../locking.js';
import { referralContext, type ReferralContext } from './referral-context.js';

function render(res: Response, status: number, ctx: ReferralContext, values: FormValues, errors: FormErrors) {
  res.status(status).render('cases/review-form', {
    title: `Record a review conference: ${ctx.referral.referral_ref}`, ...ctx, fields: REVIEW_FIELDS, values, errors, backLink: `/referrals/${ctx.referral.id}`,
  });
}

export function referralReviewPage({ db }: Services) {
  async function get(req: Request, res: Response) {
    const ctx = await referralContext(db, req);
    render(res, 200, ctx, { version: ctx.referral.version }, {});
  }

  async function post(req: Request, res: Response) {
    const today = todayIso();
    const ctx = await referralContext(db, req);
    const parsed = parseFields(REVIEW_FIELDS, req.body, ctx.codes, today);
    const errors = { ...parsed.errors };
    if (!hasErrors(errors)) {
      const proposed = { ...ctx.referral, review_dates: [...ctx.referral.review_dates, parsed.values.review_date as string] };
      const quality = qualityContext({ today });
      const problem = blockingErrors(checkReferral(ctx.referral, quality), checkReferral(proposed, quality), []).find((p) => p.field === 'review_date');
      if (problem) errors.review_date = problem.message;
    }
    if (hasErrors(errors)) return render(res, 400, ctx, { ...parsed.raw, version: req.body.version }, errors);
    if (!(await savedUnlessStale(() => db.transaction((trx) => addReview(trx, auditContext(req), ctx.referral, versionField(req), parsed.values as { review_date: string; plan_working: boolean | null }))))) {
      return render(res, 409, await referralContext(db, req, ctx.referral.id), { ...parsed.raw, version: ctx.referral.version }, { form: STALE_MESSAGE });
    }
    confirm(req, `Review conference recorded for ${namesOn(ctx.children, ctx.referral.children)}`);
    res.redirect(`/referrals/${ctx.referral.id}`);
  }

  return { get, post };
}
