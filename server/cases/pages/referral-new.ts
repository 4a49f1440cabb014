// Add a referral to a family (views/cases/referral-new.ejs).
import type { Request, Response } from 'express';
import type { Services } from '../../services.js';
import { codeOptions } from '../../codes/code-lists.js';
import { todayIso } from '../../common/dates.js';
import { confirm } from '../../common/flash.js';
import { hasErrors, str, type FormErrors, type FormValues } from '../../common/forms.js';
import { notFound } from '../../middleware/errors.js';
import { loadChildren } from '../children-repository.js';
import { loadFamily } from '../families-repository.js';
import { createReferral, type ReferralFields } from '../referrals-repository.js';
import { parseFields } from '../form-parsing.js';
import { namesOn, parseReferralChildren } from '../referral-children-form.js';
import { REFERRAL_DETAILS } from '../stages.js';
import { auditContext } from '../http.js';
import { idParam } from '../../middleware/params.js';
import { coordinatorOptions, referralChoices } from './referral-context.js';

export function referralNewPage({ db }: Services) {
  async function render(req: Request, res: Response, status: number, values: FormValues, errors: FormErrors) {
    const family = await loadFamily(db, idParam(req));
    if (!family) throw notFound();
    const [children, { codes, coordinators }] = await Promise.all([loadChildren(db, { family_id: family.id }), referralChoices(db, req)]);
    res.status(status).render('cases/referral-new', {
      title: 'Add a referral', family, children: children.filter((c) => !c.merged_into_id), codes, codeOptions,
      fields: REFERRAL_DETAILS.fields, coordinatorOptions: coordinatorOptions(coordinators), values, errors, backLink: `/families/${family.id}`,
    });
  }

  async function get(req: Request, res: Response) {
    // A family with one child: that child is on the referral unless the coordinator says otherwise.
    const active = (await loadChildren(db, { family_id: idParam(req) })).filter((c) => !c.merged_into_id);
    await render(req, res, 200, { coordinator_id: String(req.user!.id), children: active.length === 1 ? [String(active[0].id)] : [] }, {});
  }

  async function post(req: Request, res: Response) {
    const family = await loadFamily(db, idParam(req));
    if (!family) throw notFound();
    const [children, { codes, coordinators }] = await Promise.all([loadChildren(db, { family_id: family.id }), referralChoices(db, req)]);
    const parsed = parseFields(REFERRAL_DETAILS.fields, req.body, codes, todayIso(), { coordinatorIds: coordinators.map((c) => c.id) });
    const kids = parseReferralChildren(req.body, children.filter((c) => !c.merged_into_id), codes);
    const referralRef = str(req.body.referral_ref);
    const errors = { ...parsed.errors, ...kids.errors };
    if (referralRef.length > 60) errors.referral_ref = 'Referral reference must be 60 characters or fewer';
    else if (referralRef && (await db('referrals').where({ referral_ref: referralRef }).first())) errors.referral_ref = 'A referral with this reference already exists';
    if (hasErrors(errors)) return render(req, res, 400, { ...parsed.raw, ...kids.raw, referral_ref: referralRef }, errors);
    const id = await db.transaction((trx) =>
      createReferral(trx, auditContext(req), family.id, referralRef || null, parsed.values as ReferralFields & { referral_date: string }, kids.rows));
    confirm(req, `Referral added for ${namesOn(children, kids.rows)}`);
    res.redirect(`/referrals/${id}`);
  }

  return { get, post };
}
