// Which children a referral covers, and their legal status at referral (views/cases/referral-children.ejs).
import type { Request, Response } from 'express';
import type { Services } from '../../services.js';
import { codeOptions } from '../../codes/code-lists.js';
import { confirm } from '../../common/flash.js';
import { hasErrors, type FormErrors, type FormValues } from '../../common/forms.js';
import { loadReferral } from '../referrals-repository.js';
import { namesOn, parseReferralChildren } from '../referral-children-form.js';
import { referralContext, saveReferralChildren, type ReferralContext } from './referral-context.js';

function render(res: Response, status: number, ctx: ReferralContext, values: FormValues, errors: FormErrors) {
  res.status(status).render('cases/referral-children', {
    title: `Children on referral ${ctx.referral.referral_ref}`, ...ctx, children: ctx.children.filter((c) => !c.merged_into_id), codeOptions,
    values, errors, backLink: `/referrals/${ctx.referral.id}`,
  });
}

export function referralChildrenPage({ db }: Services) {
  async function get(req: Request, res: Response) {
    const ctx = await referralContext(db, req);
    const values: FormValues = { children: ctx.referral.children.map((c) => String(c.child_id)), version: ctx.referral.version };
    for (const c of ctx.referral.children) values[`legal_status_${c.child_id}`] = c.legal_status ?? '';
    render(res, 200, ctx, values, {});
  }

  async function post(req: Request, res: Response) {
    const ctx = await referralContext(db, req);
    const kids = parseReferralChildren(req.body, ctx.children.filter((c) => !c.merged_into_id), ctx.codes);
    if (hasErrors(kids.errors)) return render(res, 400, ctx, { ...kids.raw, version: req.body.version }, kids.errors);
    if (!(await saveReferralChildren(db, req, ctx, kids.rows))) return res.redirect(303, `/referrals/${ctx.referral.id}/children?stale=1`);
    confirm(req, `Children on the referral saved: ${namesOn(ctx.children, (await loadReferral(db, ctx.referral.id))?.children ?? [])}`);
    res.redirect(`/referrals/${ctx.referral.id}`);
  }

  return { get, post };
}
