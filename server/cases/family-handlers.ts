import type { Request, Response } from 'express';
import type { Services } from '../services.js';
import { currentCodeLists, codeLabel, type CodeLists } from '../codes/code-lists.js';
import { currentUsers } from '../auth/users.js';
import { currentSettings } from '../admin/settings.js';
import { todayIso } from '../common/dates.js';
import { hasErrors, str, type FormErrors, type FormValues } from '../common/forms.js';
import { notFound } from '../middleware/errors.js';
import { loadHistory } from '../audit/history.js';
import { parseChildForm } from './child-form.js';
import { createChild, loadChild, loadFamilyWithChildren, updateChild } from './children-repository.js';
import { createFamily, familyRefTaken, loadFamily } from './families-repository.js';
import { loadReferrals } from './referrals-repository.js';
import { searchCases, PAGE_SIZE } from './case-list.js';
import { nextStep } from './next-step.js';
import { childName, commonSurname, familyName } from './names.js';
import { confirm } from '../common/flash.js';
import { historyNames as namesFor, readableHistory } from './history-view.js';
import { CHILD_FIELDS } from './stages.js';
import { rawFromRecord } from './form-parsing.js';
import { auditContext, idParam, versionField } from './http.js';
import { STALE_MESSAGE, StaleRecordError } from './locking.js';
import type { ChildInput } from './children-repository.js';
import type { Child, Family } from './types.js';
import { checkChild, datasetIssues, formErrors, issueLines, recordContext } from '../quality/record-checks.js';
import { familyDataset } from '../quality/report-data.js';
import { possibleDuplicates } from '../duplicates/candidates.js';
import { REASON_TEXT } from '../duplicates/matcher.js';

const CHILD_FIELD_NAMES = CHILD_FIELDS.map((f) => f.name);

/** Form fields to carry through the duplicate confirmation page, exactly as typed. */
function carriedFields(body: Record<string, unknown>): [string, string][] {
  const out: [string, string][] = [];
  for (const [k, v] of Object.entries(body ?? {})) {
    if (k === '_csrf' || k === 'confirm_duplicates' || k === 'change_details') continue;
    for (const x of Array.isArray(v) ? v : [v]) if (typeof x === 'string') out.push([k, x]);
  }
  return out;
}

export function familyHandlers({ db }: Services) {
  const today = () => todayIso();
  const historyNames = (req: Request, familyId: number) => namesFor(db, req, familyId);

  async function caseList(req: Request, res: Response) {
    const q = str(req.query.q).slice(0, 100);
    const status = (['open', 'closed'].includes(str(req.query.status)) ? str(req.query.status) : '') as 'open' | 'closed' | '';
    const stage = str(req.query.stage).slice(0, 20);
    const page = Math.max(1, Math.min(10_000, Number.parseInt(str(req.query.page), 10) || 1));
    const codes = await currentCodeLists(db, req);
    const { rows, total } = await searchCases(db, { q, status, stage, page, userId: req.user!.id });
    const referrals = await loadReferrals(db, { ids: rows.map((r) => r.id) });
    const steps = new Map(referrals.map((r) => [r.id, nextStep(r, today())]));
    res.render('cases/list', {
      title: 'Cases',
      rows: rows.map((r) => ({ ...r, stage: codeLabel(codes, 'stage_offered', r.stage_offered), next: steps.get(r.id) })),
      total, page, pages: Math.max(1, Math.ceil(total / PAGE_SIZE)), filters: { q, status, stage },
      stageOptions: codes.stage_offered.map((c) => ({ value: c.code, text: c.label })),
    });
  }

  function renderNewFamily(res: Response, status: number, values: FormValues, errors: FormErrors, codes: CodeLists) {
    res.status(status).render('cases/family-new', { title: 'Add a family', values, errors, codes, fields: CHILD_FIELDS, backLink: '/cases' });
  }

  async function newFamily(req: Request, res: Response) {
    renderNewFamily(res, 200, {}, {}, await currentCodeLists(db, req));
  }

  /** Rule errors on the child as it would be saved, added to the form's own errors. */
  async function childRuleErrors(errors: FormErrors, input: ChildInput, id?: number) {
    const facts = { cms_id: input.cms_id, date_of_birth: input.date_of_birth, expected_date_of_birth: input.expected_date_of_birth, ethnicity: input.ethnicity, id };
    const ctx = await recordContext(db, today(), [facts]);
    for (const [field, message] of Object.entries(formErrors(checkChild(facts, ctx).errors, CHILD_FIELD_NAMES))) errors[field] ??= message;
  }

  /**
   * Before a new child is saved: the children already recorded who may be this child.
   * Renders the confirmation page and returns true when there are any.
   */
  async function confirmIfDuplicates(req: Request, res: Response, input: ChildInput, familyId: number | null, action: string, backLink: string) {
    if (req.body.confirm_duplicates === 'yes') return false;
    const found = await possibleDuplicates(db, { ...input, family_id: familyId });
    if (!found.length) return false;
    res.render('duplicates/confirm-new-child', {
      title: 'These children may already be recorded', action, backLink, carried: carriedFields(req.body),
      duplicates: found.map((d) => ({ ...d.child, reasons: d.reasons.map((r) => REASON_TEXT[r]) })),
      entered: input,
    });
    return true;
  }

  async function createFamilyPost(req: Request, res: Response) {
    const codes = await currentCodeLists(db, req);
    const familyRef = str(req.body.family_ref);
    const child = parseChildForm(req.body, codes, today());
    const errors = { ...child.errors };
    if (familyRef.length > 60) errors.family_ref = 'Family reference must be 60 characters or fewer';
    else if (familyRef && (await familyRefTaken(db, familyRef))) errors.family_ref = 'A family with this reference already exists';
    if (req.body.change_details === 'yes') return renderNewFamily(res, 200, { ...child.raw, family_ref: familyRef }, {}, codes);
    if (!hasErrors(child.errors)) await childRuleErrors(errors, child.input);
    if (hasErrors(errors)) return renderNewFamily(res, 400, { ...child.raw, family_ref: familyRef }, errors, codes);
    if (await confirmIfDuplicates(req, res, child.input, null, '/families', '/families/new')) return;
    const familyId = await db.transaction(async (trx) => {
      const id = await createFamily(trx, auditContext(req), familyRef || null);
      await createChild(trx, auditContext(req), id, child.input);
      return id;
    });
    confirm(req, `Family added, with ${childName(child.input)}`);
    res.redirect(`/families/${familyId}`);
  }

  async function familyPage(req: Request, res: Response) {
    const id = idParam(req);
    const [loaded, referrals, codes, users, settings] = await Promise.all([
      loadFamilyWithChildren(db, id), loadReferrals(db, { family_id: id }), currentCodeLists(db, req), currentUsers(db, req), currentSettings(db, req),
    ]);
    if (!loaded) throw notFound();
    const { family, children } = loaded;
    // the data-quality issues of the records just loaded (not read again)
    const issues = issueLines(await datasetIssues(db, familyDataset(family, children, referrals), today(), settings.cms_id_pattern ?? null), children);
    const refs = new Map(children.map((c) => [c.id, c.child_ref]));
    const name = familyName(children.filter((c) => !c.merged_into_id));
    res.render('cases/family', {
      title: name ? `${name} family` : `Family ${family.family_ref}`, familyName: name,
      family, children, codes, codeLabel, issues, mergedInto: (c: { merged_into_id: number | null }) => (c.merged_into_id ? refs.get(c.merged_into_id) : null),
      episodes: referrals.map((r) => ({ ...r, next: nextStep(r, today()), coordinator: (r.coordinator_id !== null ? users.byId.get(r.coordinator_id)?.name : undefined) ?? r.coordinator_name })),
      backLink: '/cases',
    });
  }

  async function renderChildForm(req: Request, res: Response, status: number, o: { family: Family; child?: Child; values: FormValues; errors: FormErrors }) {
    const codes = await currentCodeLists(db, req);
    res.status(status).render('cases/child-form', {
      title: o.child ? 'Change child details' : 'Add a child to the family',
      ...o, child: o.child ?? null, codes, fields: CHILD_FIELDS, backLink: `/families/${o.family.id}`,
    });
  }

  async function newChild(req: Request, res: Response) {
    const loaded = await loadFamilyWithChildren(db, idParam(req));
    if (!loaded) throw notFound();
    // offered the family's surname (the one most of its children have), to change if it differs
    await renderChildForm(req, res, 200, { family: loaded.family, values: { last_name: commonSurname(loaded.children.filter((c) => !c.merged_into_id)) ?? '' }, errors: {} });
  }

  async function createChildPost(req: Request, res: Response) {
    const family = await loadFamily(db, idParam(req));
    if (!family) throw notFound();
    const child = parseChildForm(req.body, await currentCodeLists(db, req), today());
    if (req.body.change_details === 'yes') return renderChildForm(req, res, 200, { family, values: child.raw, errors: {} });
    const errors = { ...child.errors };
    if (!hasErrors(errors)) await childRuleErrors(errors, child.input);
    if (hasErrors(errors)) return renderChildForm(req, res, 400, { family, values: child.raw, errors });
    if (await confirmIfDuplicates(req, res, child.input, family.id, `/families/${family.id}/children`, `/families/${family.id}/children/new`)) return;
    await db.transaction((trx) => createChild(trx, auditContext(req), family.id, child.input));
    confirm(req, `${childName(child.input)} added to the family`);
    res.redirect(`/families/${family.id}`);
  }

  async function editChild(req: Request, res: Response) {
    const child = await loadChild(db, idParam(req));
    if (!child) throw notFound();
    const family = await loadFamily(db, child.family_id);
    if (!family) throw notFound();
    await renderChildForm(req, res, 200, { family, child, values: { ...rawFromRecord(CHILD_FIELDS, child), version: child.version }, errors: {} });
  }

  async function updateChildPost(req: Request, res: Response) {
    const before = await loadChild(db, idParam(req));
    if (!before) throw notFound();
    const family = await loadFamily(db, before.family_id);
    if (!family) throw notFound();
    const parsed = parseChildForm(req.body, await currentCodeLists(db, req), today(), before);
    const errors = { ...parsed.errors };
    if (!hasErrors(errors)) await childRuleErrors(errors, parsed.input, before.id);
    if (hasErrors(errors)) {
      return renderChildForm(req, res, 400, { family, child: before, values: { ...parsed.raw, version: req.body.version }, errors });
    }
    try {
      await db.transaction((trx) => updateChild(trx, auditContext(req), before, versionField(req), parsed.input));
    } catch (e) {
      if (!(e instanceof StaleRecordError)) throw e;
      return renderChildForm(req, res, 409, { family, child: before, values: { ...rawFromRecord(CHILD_FIELDS, before), version: before.version }, errors: { form: STALE_MESSAGE } });
    }
    confirm(req, `Details of ${childName(parsed.input)} saved`);
    res.redirect(`/families/${before.family_id}`);
  }

  async function history(req: Request, res: Response, scope: 'family' | 'child') {
    const id = idParam(req);
    const subject = scope === 'family' ? await loadFamily(db, id) : await loadChild(db, id);
    if (!subject) throw notFound();
    const familyId = 'family_id' in subject ? subject.family_id : subject.id;
    const [entries, names] = await Promise.all([loadHistory(db, scope, id), historyNames(req, familyId)]);
    res.render('cases/history', {
      title: 'family_id' in subject ? `Change history: ${childName(subject)}` : `Change history: family ${subject.family_ref}`,
      rows: readableHistory(entries, names),
      backLink: `/families/${familyId}`,
    });
  }

  return {
    caseList, newFamily, createFamilyPost, familyPage, newChild, createChildPost, editChild, updateChildPost,
    familyHistory: (req: Request, res: Response) => history(req, res, 'family'),
    childHistory: (req: Request, res: Response) => history(req, res, 'child'),
  };
}
