import { confirm } from '../common/flash.js';
import { historyNames, readableHistory } from './history-view.js';
import { childName, familyName } from './names.js';
import type { Request, Response } from 'express';
import type { Services } from '../services.js';
import { currentCodeLists, codeLabel, codeOptions, type CodeLists } from '../codes/code-lists.js';
import { todayIso } from '../common/dates.js';
import { hasErrors, str, type FormErrors, type FormValues } from '../common/forms.js';
import { notFound } from '../middleware/errors.js';
import { loadHistory } from '../audit/history.js';
import { currentUsers } from '../auth/users.js';
import { loadChildren } from './children-repository.js';
import { loadFamily } from './families-repository.js';
import { addReview, createReferral, loadReferral, setReferralChildren, touchReferral, updateReferral, type ReferralFields } from './referrals-repository.js';
import { parseFields, rawFromRecord } from './form-parsing.js';
import { blockingErrors, checkReferral, familyIssues, formErrors, issueLines } from '../quality/record-checks.js';
import { qualityContext } from '../quality/context.js';
import { nextStep } from './next-step.js';
import { OUTCOME_FIELDS, REFERRAL_DETAILS, REVIEW_FIELDS, STAGES, stageByKey, stageForEpisode, type StageSpec } from './stages.js';
import { auditContext, idParam, versionField } from './http.js';
import { STALE_MESSAGE, StaleRecordError } from './locking.js';
import type { Child, Referral, ReferralChild } from './types.js';

/** Which children the referral covers, and each one's legal status at referral. Pure. */
export function parseReferralChildren(body: Record<string, unknown>, familyChildren: Child[], codes: CodeLists) {
  const chosen = new Set((Array.isArray(body.children) ? body.children : body.children ? [body.children] : []).map(String));
  const errors: FormErrors = {};
  const selected = familyChildren.filter((c) => chosen.has(String(c.id)));
  if (!selected.length) errors.children = 'Select at least one child this referral covers';
  if (chosen.size !== selected.length) errors.children = 'Select children from this family only';
  const rows = selected.map((c) => {
    const status = str(body[`legal_status_${c.id}`]);
    if (status && !codes.legal_status.some((x) => x.code === status)) errors[`legal_status_${c.id}`] = 'Select a legal status from the list';
    // A child with no CMS record is, by definition, not known to children's social care.
    return { child_id: c.id, legal_status: status || (c.cms_id ? null : 'NKCSC') };
  });
  return { rows, errors, raw: { children: [...chosen], ...Object.fromEntries(familyChildren.map((c) => [`legal_status_${c.id}`, str(body[`legal_status_${c.id}`])])) } };
}

/** The names of the children on a referral (from the family's children), for confirmations. */
function namesOn(children: { id: number; first_name: string | null; last_name: string | null; date_of_birth: string | null; expected_date_of_birth: string | null }[], on: { child_id: number }[]): string {
  const ids = new Set(on.map((c) => c.child_id));
  const names = children.filter((c) => ids.has(c.id)).map(childName);
  return names.length ? names.join(', ') : 'the referral';
}

export function referralHandlers({ db }: Services) {
  const today = () => todayIso();

  /** The code lists and the coordinators a referral's pages offer. */
  async function choices(req: Request) {
    const [codes, users] = await Promise.all([currentCodeLists(db, req), currentUsers(db, req)]);
    return { codes, coordinators: users.coordinators };
  }

  async function context(req: Request, referralId = idParam(req)) {
    const referral = await loadReferral(db, referralId);
    if (!referral) throw notFound();
    const [family, children, { codes, coordinators }] = await Promise.all([
      loadFamily(db, referral.family_id), loadChildren(db, { family_id: referral.family_id }), choices(req),
    ]);
    return { referral, family: family!, children, codes, coordinators };
  }

  const coordinatorOptions = (coordinators: readonly { id: number; name: string; team: string | null }[]) =>
    coordinators.map((c) => ({ value: c.id, text: c.team ? `${c.name} (${c.team})` : c.name }));

  async function renderNew(req: Request, res: Response, status: number, values: FormValues, errors: FormErrors) {
    const family = await loadFamily(db, idParam(req));
    if (!family) throw notFound();
    const [children, { codes, coordinators }] = await Promise.all([loadChildren(db, { family_id: family.id }), choices(req)]);
    res.status(status).render('cases/referral-new', {
      title: 'Add a referral', family, children: children.filter((c) => !c.merged_into_id), codes, codeOptions,
      fields: REFERRAL_DETAILS.fields, coordinatorOptions: coordinatorOptions(coordinators), values, errors, backLink: `/families/${family.id}`,
    });
  }

  async function newReferral(req: Request, res: Response) {
    // A family with one child: that child is on the referral unless the coordinator says otherwise.
    const active = (await loadChildren(db, { family_id: idParam(req) })).filter((c) => !c.merged_into_id);
    await renderNew(req, res, 200, { coordinator_id: String(req.user!.id), children: active.length === 1 ? [String(active[0].id)] : [] }, {});
  }

  async function createReferralPost(req: Request, res: Response) {
    const family = await loadFamily(db, idParam(req));
    if (!family) throw notFound();
    const [children, { codes, coordinators }] = await Promise.all([loadChildren(db, { family_id: family.id }), choices(req)]);
    const parsed = parseFields(REFERRAL_DETAILS.fields, req.body, codes, today(), { coordinatorIds: coordinators.map((c) => c.id) });
    const kids = parseReferralChildren(req.body, children.filter((c) => !c.merged_into_id), codes);
    const referralRef = str(req.body.referral_ref);
    const errors = { ...parsed.errors, ...kids.errors };
    if (referralRef.length > 60) errors.referral_ref = 'Referral reference must be 60 characters or fewer';
    else if (referralRef && (await db('referrals').where({ referral_ref: referralRef }).first())) errors.referral_ref = 'A referral with this reference already exists';
    if (hasErrors(errors)) return renderNew(req, res, 400, { ...parsed.raw, ...kids.raw, referral_ref: referralRef }, errors);
    const id = await db.transaction((trx) =>
      createReferral(trx, auditContext(req), family.id, referralRef || null, parsed.values as ReferralFields & { referral_date: string }, kids.rows));
    confirm(req, `Referral added for ${namesOn(children, kids.rows)}`);
    res.redirect(`/referrals/${id}`);
  }

  async function referralPage(req: Request, res: Response) {
    const { referral, family, children, codes, coordinators } = await context(req);
    const onReferral = new Map(referral.children.map((c) => [c.child_id, c]));
    // This referral's issues, and those of the children on it.
    const issues = (await familyIssues(db, family.id, today()))
      .filter((i) => i.referral_id === referral.id || (i.referral_id === null && i.child_id !== null && onReferral.has(i.child_id)));
    res.render('cases/referral', {
      issues: issueLines(issues, children),
      title: `FGC referral ${referral.referral_ref}`,
      referral, family, familyName: familyName(children.filter((c) => !c.merged_into_id)), codes, codeLabel, stages: STAGES.map((s) => stageForEpisode(s, referral)), next: nextStep(referral, today()),
      coordinator: coordinators.find((c) => c.id === referral.coordinator_id)?.name ?? referral.coordinator_name,
      children: children.filter((c) => onReferral.has(c.id)).map((c) => ({ ...c, link: onReferral.get(c.id)! })),
      backLink: `/families/${family.id}`,
    });
  }

  async function renderStage(res: Response, status: number, ctx: Awaited<ReturnType<typeof context>>, stage: StageSpec, values: FormValues, errors: FormErrors) {
    res.status(status).render('cases/stage-form', {
      title: `${stage.title}: ${ctx.referral.referral_ref}`, stage, referral: ctx.referral, family: ctx.family, codes: ctx.codes, codeOptions,
      coordinatorOptions: coordinatorOptions(ctx.coordinators), values, errors, backLink: `/referrals/${ctx.referral.id}`,
    });
  }

  const stageOf = (req: Request) => {
    const stage = stageByKey(String(req.params.stage));
    if (!stage) throw notFound();
    return stage;
  };

  async function stageForm(req: Request, res: Response) {
    const ctx = await context(req);
    const stage = stageForEpisode(stageOf(req), ctx.referral);
    await renderStage(res, 200, ctx, stage, { ...rawFromRecord(stage.fields, ctx.referral), version: ctx.referral.version }, {});
  }

  async function stagePost(req: Request, res: Response) {
    const ctx = await context(req);
    const stage = stageForEpisode(stageOf(req), ctx.referral);
    const { referral } = ctx;
    const parsed = parseFields(stage.fields, req.body, ctx.codes, today(), { coordinatorIds: ctx.coordinators.map((c) => c.id), current: referral });
    const { plan_content, ...fields } = parsed.values;
    const errors: FormErrors = { ...parsed.errors };
    if (!hasErrors(errors)) {
      // The data-quality rules' errors on the episode as it would be saved block the save,
      // each on this form's field where it has one; queries show on the referral page.
      const proposed = { ...referral, ...fields } as Referral;
      const quality = qualityContext({ today: today(), children: ctx.children });
      const formFields = stage.fields.map((f) => f.name);
      const found = blockingErrors(checkReferral(referral, quality), checkReferral(proposed, quality), formFields);
      for (const [field, message] of Object.entries(formErrors(found, formFields))) errors[field] ??= message;
    }
    if (hasErrors(errors)) return renderStage(res, 400, ctx, stage, { ...parsed.raw, version: req.body.version }, errors);
    try {
      await db.transaction((trx) =>
        updateReferral(trx, auditContext(req), referral, versionField(req), fields as ReferralFields, plan_content ? { plan_content: plan_content as string[] } : {}));
    } catch (e) {
      if (!(e instanceof StaleRecordError)) throw e;
      const fresh = await context(req, referral.id);
      return renderStage(res, 409, fresh, stage, { ...rawFromRecord(stage.fields, fresh.referral), version: fresh.referral.version }, { form: STALE_MESSAGE });
    }
    confirm(req, `${stage.title} recorded for ${namesOn(ctx.children, referral.children)}`);
    res.redirect(`/referrals/${referral.id}`);
  }

  async function renderChildren(res: Response, status: number, ctx: Awaited<ReturnType<typeof context>>, values: FormValues, errors: FormErrors) {
    res.status(status).render('cases/referral-children', {
      title: `Children on referral ${ctx.referral.referral_ref}`, ...ctx, children: ctx.children.filter((c) => !c.merged_into_id), codeOptions,
      values, errors, backLink: `/referrals/${ctx.referral.id}`,
    });
  }

  async function childrenForm(req: Request, res: Response) {
    const ctx = await context(req);
    const values: FormValues = { children: ctx.referral.children.map((c) => String(c.child_id)), version: ctx.referral.version };
    for (const c of ctx.referral.children) values[`legal_status_${c.child_id}`] = c.legal_status ?? '';
    await renderChildren(res, 200, ctx, values, {});
  }

  async function childrenPost(req: Request, res: Response) {
    const ctx = await context(req);
    const kids = parseReferralChildren(req.body, ctx.children.filter((c) => !c.merged_into_id), ctx.codes);
    if (hasErrors(kids.errors)) return renderChildren(res, 400, ctx, { ...kids.raw, version: req.body.version }, kids.errors);
    try {
      await db.transaction(async (trx) => {
        await touchReferral(trx, ctx.referral.id, versionField(req));
        await setReferralChildren(trx, { ...auditContext(req), familyId: ctx.family.id }, ctx.referral.id, ctx.referral.children, kids.rows);
      });
    } catch (e) {
      if (!(e instanceof StaleRecordError)) throw e;
      return res.redirect(303, `/referrals/${ctx.referral.id}/children?stale=1`);
    }
    confirm(req, `Children on the referral saved: ${namesOn(ctx.children, (await loadReferral(db, ctx.referral.id))?.children ?? [])}`);
    res.redirect(`/referrals/${ctx.referral.id}`);
  }

  async function renderReview(res: Response, status: number, ctx: Awaited<ReturnType<typeof context>>, values: FormValues, errors: FormErrors) {
    res.status(status).render('cases/review-form', {
      title: `Record a review conference: ${ctx.referral.referral_ref}`, ...ctx, fields: REVIEW_FIELDS, values, errors, backLink: `/referrals/${ctx.referral.id}`,
    });
  }

  async function reviewForm(req: Request, res: Response) {
    const ctx = await context(req);
    await renderReview(res, 200, ctx, { version: ctx.referral.version }, {});
  }

  async function reviewPost(req: Request, res: Response) {
    const ctx = await context(req);
    const parsed = parseFields(REVIEW_FIELDS, req.body, ctx.codes, today());
    const errors = { ...parsed.errors };
    if (!hasErrors(errors)) {
      const proposed = { ...ctx.referral, review_dates: [...ctx.referral.review_dates, parsed.values.review_date as string] };
      const quality = qualityContext({ today: today() });
      const problem = blockingErrors(checkReferral(ctx.referral, quality), checkReferral(proposed, quality), []).find((p) => p.field === 'review_date');
      if (problem) errors.review_date = problem.message;
    }
    if (hasErrors(errors)) return renderReview(res, 400, ctx, { ...parsed.raw, version: req.body.version }, errors);
    try {
      await db.transaction((trx) => addReview(trx, auditContext(req), ctx.referral, versionField(req), parsed.values as { review_date: string; plan_working: boolean | null }));
    } catch (e) {
      if (!(e instanceof StaleRecordError)) throw e;
      return renderReview(res, 409, await context(req, ctx.referral.id), { ...parsed.raw, version: ctx.referral.version }, { form: STALE_MESSAGE });
    }
    confirm(req, `Review conference recorded for ${namesOn(ctx.children, ctx.referral.children)}`);
    res.redirect(`/referrals/${ctx.referral.id}`);
  }

  async function renderOutcomes(res: Response, status: number, ctx: Awaited<ReturnType<typeof context>>, values: FormValues, errors: FormErrors) {
    const names = new Map(ctx.children.map((c) => [c.id, c]));
    res.status(status).render('cases/outcomes', {
      title: `Outcomes: ${ctx.referral.referral_ref}`, ...ctx, codeOptions,
      rows: ctx.referral.children.map((c) => ({ ...c, child: names.get(c.child_id)! })), values, errors, backLink: `/referrals/${ctx.referral.id}`,
    });
  }

  async function outcomesForm(req: Request, res: Response) {
    const ctx = await context(req);
    const values: FormValues = { version: ctx.referral.version };
    for (const c of ctx.referral.children) for (const f of OUTCOME_FIELDS) values[`${f}_${c.child_id}`] = c[f] ?? '';
    await renderOutcomes(res, 200, ctx, values, {});
  }

  async function outcomesPost(req: Request, res: Response) {
    const ctx = await context(req);
    const errors: FormErrors = {};
    const values: FormValues = { version: req.body.version };
    const lists: Record<string, string> = {
      outcome_6m_legal_status: 'outcome_legal_status', outcome_12m_legal_status: 'outcome_legal_status',
      outcome_6m_living: 'living_arrangement', outcome_12m_living: 'living_arrangement',
    };
    const rows = ctx.referral.children.map((c) => {
      const row: Pick<ReferralChild, 'child_id' | 'legal_status'> & Partial<Record<(typeof OUTCOME_FIELDS)[number], string | null>> = { child_id: c.child_id, legal_status: c.legal_status };
      for (const f of OUTCOME_FIELDS) {
        const key = `${f}_${c.child_id}`;
        const v = str(req.body[key]);
        values[key] = v;
        if (v && !ctx.codes[lists[f]].some((x) => x.code === v)) errors[key] = 'Select an outcome from the list';
        row[f] = v || null;
      }
      return row;
    });
    if (!ctx.referral.initial_fgc_date && rows.some((r) => OUTCOME_FIELDS.some((f) => r[f]))) {
      errors.form = 'Outcomes are recorded 6 and 12 months after the initial conference, which has not been held';
    }
    if (hasErrors(errors)) return renderOutcomes(res, 400, ctx, values, errors);
    try {
      await db.transaction(async (trx) => {
        await touchReferral(trx, ctx.referral.id, versionField(req));
        await setReferralChildren(trx, { ...auditContext(req), familyId: ctx.family.id }, ctx.referral.id, ctx.referral.children, rows);
      });
    } catch (e) {
      if (!(e instanceof StaleRecordError)) throw e;
      return renderOutcomes(res, 409, await context(req, ctx.referral.id), { version: ctx.referral.version }, { form: STALE_MESSAGE });
    }
    confirm(req, `Outcomes recorded for ${namesOn(ctx.children, ctx.referral.children)}`);
    res.redirect(`/referrals/${ctx.referral.id}`);
  }

  async function history(req: Request, res: Response) {
    const referral = await loadReferral(db, idParam(req));
    if (!referral) throw notFound();
    const [entries, names] = await Promise.all([loadHistory(db, 'referral', referral.id), historyNames(db, req, referral.family_id)]);
    res.render('cases/history', {
      title: `Change history: referral ${referral.referral_ref}`,
      rows: readableHistory(entries, names),
      backLink: `/referrals/${referral.id}`,
    });
  }

  return { newReferral, createReferralPost, referralPage, stageForm, stagePost, childrenForm, childrenPost, reviewForm, reviewPost, outcomesForm, outcomesPost, history };
}
