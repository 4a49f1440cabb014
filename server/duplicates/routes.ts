import { Router, type Request, type Response } from 'express';
import type { Services } from '../services.js';
import { requirePermission } from '../auth/authorisation.js';
import { notFound } from '../middleware/errors.js';
import { str, type FormErrors } from '../common/forms.js';
import { loadCodeLists } from '../codes/code-lists.js';
import { auditContext, versionField } from '../cases/http.js';
import { idParam } from '../middleware/params.js';
import { loadChildren } from '../cases/children-repository.js';
import { loadFamily } from '../cases/families-repository.js';
import { STALE_MESSAGE, StaleRecordError } from '../cases/locking.js';
import type { Child } from '../cases/types.js';
import { childName } from '../cases/names.js';
import { confirm } from '../common/flash.js';
import { findPossibleDuplicates, REASON_TEXT } from './matcher.js';
import { listMerges, MergeRefusedError, mergeChildren, undoMerge } from './merge.js';

// Merging duplicate child records (coordinators and anyone with case access) and undoing
// a merge (administrators, who see references only).

export function duplicateRoutes({ db }: Services): Router {
  const router = Router();
  const cases = requirePermission('cases');
  const admin = requirePermission('admin');

  async function referralRefs(childIds: number[]) {
    const rows = await db('referral_children as rc').join('referrals as r', 'r.id', 'rc.referral_id')
      .select('rc.child_id', 'r.referral_ref').whereIn('rc.child_id', childIds).orderBy('r.referral_date');
    const out = new Map<number, string[]>();
    for (const r of rows) (out.get(Number(r.child_id)) ?? out.set(Number(r.child_id), []).get(Number(r.child_id))!).push(r.referral_ref);
    return out;
  }

  async function renderMerge(req: Request, res: Response, status: number, child: Child, target: number | null, errors: FormErrors) {
    const family = (await loadFamily(db, child.family_id))!;
    const all = await loadChildren(db, { family_id: child.family_id });
    const others = all.filter((c) => c.id !== child.id && !c.merged_into_id);
    const reasons = new Map(findPossibleDuplicates({ ...child, id: child.id }, others).map((d) => [d.child.id, d.reasons.map((r) => REASON_TEXT[r])]));
    const chosen = target !== null ? others.find((c) => c.id === target) : undefined;
    const refs = await referralRefs([child.id, ...(chosen ? [chosen.id] : [])]);
    res.status(status).render('duplicates/merge', {
      title: chosen ? `Merge ${child.child_ref} into ${chosen.child_ref}` : 'Merge duplicate records',
      child, family, chosen, codes: await loadCodeLists(db), errors, mergedInto: all.find((c) => c.id === child.merged_into_id),
      options: others
        .sort((a, b) => Number(reasons.has(b.id)) - Number(reasons.has(a.id)))
        .map((c) => ({ ...c, reasons: reasons.get(c.id) ?? [] })),
      referrals: { child: refs.get(child.id) ?? [], chosen: chosen ? (refs.get(chosen.id) ?? []) : [] },
      backLink: `/families/${family.id}`,
    });
  }

  const targetOf = (v: unknown) => (/^[1-9]\d{0,9}$/.test(str(v)) ? Number(str(v)) : null);

  router.get('/children/:id/merge', cases, async (req, res) => {
    const child = (await loadChildren(db, { ids: [idParam(req)] }))[0];
    if (!child) throw notFound();
    await renderMerge(req, res, 200, child, targetOf(req.query.target), {});
  });

  router.post('/children/:id/merge', cases, async (req, res) => {
    const child = (await loadChildren(db, { ids: [idParam(req)] }))[0];
    if (!child) throw notFound();
    const target = targetOf(req.body.target);
    if (target === null) return renderMerge(req, res, 400, child, null, { target: 'Select the record to keep' });
    try {
      await db.transaction((trx) => mergeChildren(trx, auditContext(req), child.id, target, versionField(req)));
    } catch (e) {
      if (e instanceof MergeRefusedError) return renderMerge(req, res, 400, child, null, { target: e.message });
      if (e instanceof StaleRecordError) return renderMerge(req, res, 409, (await loadChildren(db, { ids: [child.id] }))[0], null, { form: STALE_MESSAGE });
      throw e;
    }
    const kept = (await loadChildren(db, { ids: [target] }))[0];
    confirm(req, `Records merged: ${childName(child)} is now part of ${kept ? childName(kept) : 'the record kept'}`);
    res.redirect(`/families/${child.family_id}`);
  });

  async function renderMerges(req: Request, res: Response, status: number, errors: FormErrors) {
    res.status(status).render('duplicates/merges', { title: 'Merged child records', merges: await listMerges(db), errors, undone: req.query.undone === '1' });
  }

  router.get('/admin/merges', admin, (req, res) => renderMerges(req, res, 200, {}));

  router.post('/admin/merges/:id/undo', admin, async (req, res) => {
    const id = idParam(req);
    if (!(await db('child_merges').where({ id }).first())) throw notFound();
    try {
      await db.transaction((trx) => undoMerge(trx, auditContext(req), id));
    } catch (e) {
      if (e instanceof MergeRefusedError || e instanceof StaleRecordError) return renderMerges(req, res, 409, { form: e instanceof MergeRefusedError ? e.message : STALE_MESSAGE });
      throw e;
    }
    res.redirect('/admin/merges?undone=1');
  });

  return router;
}
