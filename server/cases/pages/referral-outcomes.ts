// Each child's outcomes at 6 and 12 months (views/cases/outcomes.ejs).
import type { Request, Response } from 'express';
import type { Services } from '../../services.js';
import { codeOptions } from '../../codes/code-lists.js';
import { confirm } from '../../common/flash.js';
import { hasErrors, type FormErrors, type FormValues } from '../../common/forms.js';
import { namesOn, parseOutcomes } from '../referral-children-form.js';
import { OUTCOME_FIELDS } from '../stages.js';
import { STALE_MESSAGE } from '../locking.js';
import { referralContext, saveReferralChildren, type ReferralContext } from './referral-context.js';

function render(res: Response, status: number, ctx: ReferralContext, values: FormValues, errors: FormErrors) {
  const names = new Map(ctx.children.map((c) => [c.id, c]));
  res.status(status).render('cases/outcomes', {
    title: `Outcomes: ${ctx.referral.referral_ref}`, ...ctx, codeOptions,
    rows: ctx.referral.children.map((c) => ({ ...c, child: names.get(c.child_id)! })), values, errors, backLink: `/referrals/${ctx.referral.id}`,
  });
}

export function referralOutcomesPage({ db }: Services) {
  async function get(req: Request, res: Response) {
    const ctx = await referralContext(db, req);
    const values: FormValues = { version: ctx.referral.version };
    for (const c of ctx.referral.children) for (const f of OUTCOME_FIELDS) values[`${f}_${c.child_id}`] = c[f] ?? '';
    render(res, 200, ctx, values, {});
  }

  async function post(req: Request, res: Response) {
    const ctx = await referralContext(db, req);
    const { rows, values, errors } = parseOutcomes(req.body, ctx.referral, ctx.codes);
    if (hasErrors(errors)) return render(res, 400, ctx, values, errors);
    if (!(await saveReferralChildren(db, req, ctx, rows))) {
      return render(res, 409, await referralContext(db, req, ctx.referral.id), { version: ctx.referral.version }, { form: STALE_MESSAGE });
    }
    confirm(req, `Outcomes recorded for ${namesOn(ctx.children, ctx.referral.children)}`);
    res.redirect(`/referrals/${ctx.referral.id}`);
  }

  return { get, post };
}
