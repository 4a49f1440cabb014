// A stage of a referral's episode: offer, consent, conference, plan, closure and the rest
// (views/cases/stage-form.ejs), which stage from the route's :stage.
import type { Request, Response } from 'express';
import type { Services } from '../../services.js';
import { codeOptions } from '../../codes/code-lists.js';
import { todayIso } from '../../common/dates.js';
import { confirm } from '../../common/flash.js';
import { hasErrors, type FormErrors, type FormValues } from '../../common/forms.js';
import { notFound } from '../../middleware/errors.js';
import { blockingErrors, checkReferral, formErrors } from '../../quality/record-checks.js';
import { qualityContext } from '../../quality/context.js';
import { updateReferral, type ReferralFields } from '../referrals-repository.js';
import { parseFields, rawFromRecord } from '../form-parsing.js';
import { namesOn } from '../referral-children-form.js';
import { stageByKey, stageForEpisode, type StageSpec } from '../stages.js';
import { auditContext, versionField } from '../http.js';
import { STALE_MESSAGE, savedUnlessStale } from '../locking.js';
import type { Referral } from '../types.js';
import { coordinatorOptions, referralContext, type ReferralContext } from './referral-context.js';

/** The stage the route names, as it applies to this episode; 404 for a stage there is not. */
function stageOf(req: Request, referral: Referral): StageSpec {
  const stage = stageByKey(String(req.params.stage));
  if (!stage) throw notFound();
  return stageForEpisode(stage, referral);
}

function render(res: Response, status: number, ctx: ReferralContext, stage: StageSpec, values: FormValues, errors: FormErrors) {
  res.status(status).render('cases/stage-form', {
    title: `${stage.title}: ${ctx.referral.referral_ref}`, stage, referral: ctx.referral, family: ctx.family, codes: ctx.codes, codeOptions,
    coordinatorOptions: coordinatorOptions(ctx.coordinators), values, errors, backLink: `/referrals/${ctx.referral.id}`,
  });
}

/** The form's values as the record holds them. */
const recorded = (ctx: ReferralContext, stage: StageSpec) => ({ ...rawFromRecord(stage.fields, ctx.referral), version: ctx.referral.version });

export function referralStagePage({ db }: Services) {
  async function get(req: Request, res: Response) {
    const ctx = await referralContext(db, req);
    const stage = stageOf(req, ctx.referral);
    render(res, 200, ctx, stage, recorded(ctx, stage), {});
  }

  async function post(req: Request, res: Response) {
    const today = todayIso();
    const ctx = await referralContext(db, req);
    const stage = stageOf(req, ctx.referral);
    const { referral } = ctx;
    const parsed = parseFields(stage.fields, req.body, ctx.codes, today, { coordinatorIds: ctx.coordinators.map((c) => c.id), current: referral });
    const { plan_content, ...fields } = parsed.values;
    const errors: FormErrors = { ...parsed.errors };
    if (!hasErrors(errors)) {
      // The data-quality rules' errors on the episode as it would be saved block the save,
      // each on this form's field where it has one; queries show on the referral page.
      const proposed = { ...referral, ...fields } as Referral;
      const quality = qualityContext({ today, children: ctx.children });
      const formFields = stage.fields.map((f) => f.name);
      const found = blockingErrors(checkReferral(referral, quality), checkReferral(proposed, quality), formFields);
      for (const [field, message] of Object.entries(formErrors(found, formFields))) errors[field] ??= message;
    }
    if (hasErrors(errors)) return render(res, 400, ctx, stage, { ...parsed.raw, version: req.body.version }, errors);
    const saved = await savedUnlessStale(() => db.transaction((trx) =>
      updateReferral(trx, auditContext(req), referral, versionField(req), fields as ReferralFields, plan_content ? { plan_content: plan_content as string[] } : {})));
    if (!saved) {
      const fresh = await referralContext(db, req, referral.id);
      return render(res, 409, fresh, stage, recorded(fresh, stage), { form: STALE_MESSAGE });
    }
    confirm(req, `${stage.title} recorded for ${namesOn(ctx.children, referral.children)}`);
    res.redirect(`/referrals/${referral.id}`);
  }

  return { get, post };
}
