import { Router, type Request, type Response } from 'express';
import type { Services } from '../services.js';
import { requirePermission } from '../middleware/authorisation.js';
import { notFound } from '../middleware/errors.js';
import { str } from '../common/forms.js';
import { uploadErrorOf, uploadParser } from '../common/upload.js';
import { idParam } from '../cases/http.js';
import { ownValue } from '../common/own.js';
import { problemCountText } from '../interchange/problem-count.js';
import { clientGone } from '../uploads/abandon.js';
import { COLUMN_BY_NAME, COLUMNS } from '../interchange/columns.js';
import { UPLOAD_LIMIT_BYTES } from '../interchange/routes.js';
import { columnLetter, HEADER_SCAN_ROWS } from './header.js';
import {
  chooseHeader, columnSamples, headerOf, headingChoices, receiveUpload, saveColumns, saveValues, sheetOf, valueQuestions, type NextStep,
} from './flow.js';
import { jobDied, recordDeath, startJob, waitForJob } from './jobs.js';
import type { TrackerSheet } from './read.js';
import { deleteMapping, getImport, getMapping, listMappings, saveMapping, updateImport, type TrackerImportRow } from './store.js';

// The data lead's tracker import pages (permission 'returns'):
//   upload → headings (only when not found) → columns → values (and a name to save the
//   mapping under) → check (dry run, with progress for large files) → import.
// A saved mapping whose headings fit the file is used at once.

const BASE = '/imports/tracker';
const REFRESH_SECONDS = 2;

/** Parses the upload before the CSRF check: mount it app-wide, before CSRF (see uploadParser). */
export const trackerUploadParser = uploadParser(BASE, UPLOAD_LIMIT_BYTES);

const COLUMN_HINTS: Record<string, string> = {
  referral_ref: 'the referral’s reference (required)', family_ref: 'the family’s reference (required)',
  referral_date: 'date the referral was received (required)', child_ref: 'the child’s reference (required)',
  referral_source: 'who referred', stage_offered: 'stage the FGC was offered at', coordinator: 'coordinator’s email or name',
  lbp_date: 'letter before proceedings sent', offer_date: 'FGC offered', consent_decision: 'consent given, declined or no response',
  consent_date: 'date of the consent decision', decline_reason: 'why consent was not given', consent_withdrawn_date: 'consent withdrawn',
  initial_fgc_date: 'initial FGC held', fgc_not_held_reason: 'why no FGC took place', plan_content: 'what the plan covers (several)',
  review_fgc_dates: 'review FGC dates (several columns allowed)', closure_date: 'episode closed', cms_id: 'ID in the case management system',
  date_of_birth: 'date of birth', expected_date_of_birth: 'expected date of birth (unborn)', disability: 'disabilities (several)',
  legal_status: 'legal status at referral', outcome_6m_legal_status: 'legal status at 6 months', outcome_6m_living: 'living arrangement at 6 months',
  outcome_12m_legal_status: 'legal status at 12 months', outcome_12m_living: 'living arrangement at 12 months',
};
const TARGETS = COLUMNS.map((c) => ({ value: c.name, text: COLUMN_HINTS[c.name] ? `${c.name} – ${COLUMN_HINTS[c.name]}` : c.name, level: c.level }));

export function trackerImportRoutes(services: Services): Router {
  const { db, logger } = services;
  const router = Router();
  const returns = requirePermission('returns');

  const stepUrl = (id: number, step: NextStep) => (step === 'check' ? `${BASE}/${id}` : `${BASE}/${id}/${step}`);

  async function uploadOf(req: Request): Promise<TrackerImportRow> {
    const row = await getImport(db, idParam(req), req.user!.id);
    if (!row) throw notFound();
    return row;
  }

  /** The upload's sheet and headings, or a page saying the upload has gone. */
  async function workingOn(req: Request, res: Response) {
    const u = await uploadOf(req);
    const sheet = ['mapping', 'checked', 'failed'].includes(u.status) ? await sheetOf(db, u) : null;
    if (!sheet) {
      res.status(404).render('errors/problem', { title: 'This upload is no longer available', message: 'It has been imported, or it has expired. Upload the file again.' });
      return null;
    }
    return { u, sheet, header: headerOf(sheet, u) };
  }

  async function runJob(id: number, u: TrackerImportRow, dryRun: boolean, res: Response, read?: TrackerSheet) {
    const sheet = read ?? (await sheetOf(db, u));
    await startJob({ db, logger, upload: u, dryRun, sheet: sheet ?? undefined });
    await waitForJob(id);
    res.redirect(303, `${BASE}/${id}`);
  }

  const renderUpload = async (res: Response, status: number, errors: Record<string, string> = {}, values: Record<string, string> = {}) =>
    res.status(status).render('tracker-import/upload', {
      title: 'Import a tracker spreadsheet', errors, values, mappings: await listMappings(db), limitMb: UPLOAD_LIMIT_BYTES / 1024 / 1024,
    });

  router.get(BASE, returns, async (_req, res) => renderUpload(res, 200));

  router.post(BASE, returns, async (req, res) => {
    const uploadError = uploadErrorOf(req);
    const mappingId = /^\d+$/.test(str(req.body?.mapping)) ? Number(req.body.mapping) : null;
    const values = { mapping: mappingId ? String(mappingId) : '' };
    if (uploadError) return renderUpload(res, 400, { file: uploadError }, values);
    const file = req.file;
    if (!file || !file.size) return renderUpload(res, 400, { file: file ? 'The selected file is empty' : 'Select a CSV or Excel file' }, values);
    const filename = file.originalname.slice(0, 255);
    if (!/\.(csv|xlsx|txt)$/i.test(filename)) return renderUpload(res, 400, { file: 'The selected file must be a CSV or an Excel workbook (.xlsx)' }, values);
    const r = await receiveUpload(db, req.user!.id, filename, file.buffer, mappingId, clientGone(req, res));
    if (!r.id) return renderUpload(res, 400, { file: r.error ?? 'The selected file could not be read' }, values);
    if (r.error) req.session.trackerNotice = r.error;
    const u = (await getImport(db, r.id, req.user!.id))!;
    if (r.next === 'check') return runJob(r.id, u, true, res, r.sheet);
    res.redirect(303, stepUrl(r.id, r.next!));
  });

  router.post(`${BASE}/mappings/:id/delete`, returns, async (req, res) => {
    await deleteMapping(db, idParam(req));
    res.redirect(303, BASE);
  });

  // ---- headings ----
  const renderHeader = (res: Response, status: number, u: TrackerImportRow, sheet: Parameters<typeof headingChoices>[0], errors: Record<string, string>, values: { row: string; depth: string }, notice?: string) =>
    res.status(status).render('tracker-import/header', {
      title: 'Which row has the column headings?', errors, values, notice, upload: u, choices: headingChoices(sheet), scanRows: HEADER_SCAN_ROWS, backLink: BASE,
    });

  router.get(`${BASE}/:id/header`, returns, async (req, res) => {
    const w = await workingOn(req, res);
    if (!w) return;
    const notice = req.session.trackerNotice;
    delete req.session.trackerNotice;
    renderHeader(res, 200, w.u, w.sheet, {}, { row: String(w.u.header_row ?? ''), depth: String(w.u.header_depth ?? 1) }, notice);
  });

  router.post(`${BASE}/:id/header`, returns, async (req, res) => {
    const w = await workingOn(req, res);
    if (!w) return;
    const row = Number(str(req.body.row));
    const depth = Number(str(req.body.depth) || '1');
    const choices = headingChoices(w.sheet);
    const errors: Record<string, string> = {};
    if (!choices.some((c) => c.row === row)) errors.row = 'Select the row with the column headings';
    else if (![1, 2, 3].includes(depth) || depth > row) errors.depth = 'Select how many rows the headings take';
    if (Object.keys(errors).length) return renderHeader(res, 400, w.u, w.sheet, errors, { row: str(req.body.row), depth: str(req.body.depth) });
    await chooseHeader(db, w.u, w.sheet, row, depth);
    res.redirect(303, `${BASE}/${w.u.id}/columns`);
  });

  // ---- columns ----
  const renderColumns = (
    res: Response, status: number, w: NonNullable<Awaited<ReturnType<typeof workingOn>>>, errors: Record<string, string>,
    chosen?: Map<number, string | null>, also?: Map<number, string | null>,
  ) => {
    const columns = columnSamples(w.sheet, w.header!).map((c) => ({
      ...c, letter: columnLetter(c.index), field: `col-${c.index}`,
      value: chosen ? chosen.get(c.index) ?? '' : ownValue(w.u.mapping?.columns, c.name) ?? '',
      also: also ? also.get(c.index) ?? '' : (ownValue(w.u.mapping?.also, c.name)?.[0] ?? ''),
    }));
    res.status(status).render('tracker-import/columns', {
      title: 'Match the columns', errors, upload: w.u, header: w.header, columns, targets: TARGETS, backLink: `${BASE}/${w.u.id}/header`,
    });
  };

  router.get(`${BASE}/:id/columns`, returns, async (req, res) => {
    const w = await workingOn(req, res);
    if (!w) return;
    if (!w.header) return res.redirect(303, `${BASE}/${w.u.id}/header`);
    renderColumns(res, 200, w, {});
  });

  router.post(`${BASE}/:id/columns`, returns, async (req, res) => {
    const w = await workingOn(req, res);
    if (!w) return;
    if (!w.header) return res.redirect(303, `${BASE}/${w.u.id}/header`);
    const chosen = new Map<number, string | null>();
    const also = new Map<number, string | null>();
    const target = (v: string) => (v && COLUMN_BY_NAME.has(v) ? v : null);
    for (const c of w.header.columns) {
      chosen.set(c.index, target(str(req.body[`col-${c.index}`])));
      also.set(c.index, chosen.get(c.index) ? target(str(req.body[`col-${c.index}-also`])) : null);
    }
    const problems = await saveColumns(db, w.u, w.header, chosen, also);
    if (problems.length) {
      const errors: Record<string, string> = {};
      for (const p of problems) {
        const col = w.header.columns.find((c) => c.name === p.column);
        errors[col ? `col-${col.index}` : `required-${p.column}`] = p.message;
      }
      return renderColumns(res, 400, w, errors, chosen, also);
    }
    res.redirect(303, `${BASE}/${w.u.id}/values`);
  });

  // ---- values, and saving the mapping ----
  router.get(`${BASE}/:id/values`, returns, async (req, res) => {
    const w = await workingOn(req, res);
    if (!w) return;
    if (!w.header) return res.redirect(303, `${BASE}/${w.u.id}/header`);
    const saved = w.u.mapping_id ? await getMapping(db, w.u.mapping_id) : null;
    res.render('tracker-import/values', {
      title: 'Match the values', errors: {}, upload: w.u, questions: await valueQuestions(db, w.u, w.sheet, w.header),
      name: saved?.name ?? '', backLink: `${BASE}/${w.u.id}/columns`,
    });
  });

  router.post(`${BASE}/:id/values`, returns, async (req, res) => {
    const w = await workingOn(req, res);
    if (!w) return;
    if (!w.header) return res.redirect(303, `${BASE}/${w.u.id}/header`);
    const questions = await valueQuestions(db, w.u, w.sheet, w.header);
    const mapping = await saveValues(db, w.u, questions, (column, i) => str(req.body[`v-${column}-${i}`]));
    const name = str(req.body.name).replace(/\s+/g, ' ');
    if (name.length > 100) {
      return res.status(400).render('tracker-import/values', {
        title: 'Match the values', errors: { name: 'The mapping’s name must be 100 characters or fewer' }, upload: w.u,
        questions: await valueQuestions(db, { ...w.u, mapping }, w.sheet, w.header), name, backLink: `${BASE}/${w.u.id}/columns`,
      });
    }
    let u = (await getImport(db, w.u.id, req.user!.id))!;
    if (name) {
      const id = await saveMapping(db, name, { ...mapping, header: { row: w.header.row, depth: w.header.depth } }, req.user!.id);
      await updateImport(db, u.id, { mapping_id: id });
      u = (await getImport(db, u.id, req.user!.id))!;
    }
    await runJob(u.id, u, true, res);
  });

  // ---- check, progress, result, import ----
  router.get(`${BASE}/:id`, returns, async (req, res) => {
    let u = await uploadOf(req);
    if (jobDied(u)) u = await recordDeath(db, u);
    if (u.status === 'mapping' || (['checked', 'applied'].includes(u.status) && !u.result)) {
      return res.redirect(303, `${BASE}/${u.id}/${u.header_row ? 'columns' : 'header'}`);
    }
    const working = u.status === 'checking' || u.status === 'applying';
    if (working) res.setHeader('Refresh', String(REFRESH_SECONDS));
    const saved = u.mapping_id ? await getMapping(db, u.mapping_id) : null;
    const r = u.result;
    const n = r?.problemCount ?? 0;
    const errors = u.status === 'checked' && n
      ? { problems: `${problemCountText(n, r?.stoppedAt)}. Nothing has been imported. Correct the file or the mapping and check it again` }
      : {};
    const hasChanges = !!r && (['families', 'children', 'referrals'] as const).some((k) => r.summary[k].create + r.summary[k].update > 0);
    res.status(u.status === 'checked' && n ? 400 : 200).render('tracker-import/status', {
      title: working ? (u.status === 'checking' ? 'Checking the file' : 'Importing the file')
        : u.status === 'applied' ? 'Import complete'
          : u.status === 'failed' ? 'The file could not be checked'
            : n ? 'The file cannot be imported' : 'Check the import',
      errors, upload: u, result: r, working,
      // set only while the page should refresh itself (also sent as the Refresh header)
      refreshSeconds: working ? REFRESH_SECONDS : null,
      mappingName: saved?.name ?? null, hasChanges, base: BASE,
    });
  });

  router.post(`${BASE}/:id/check`, returns, async (req, res) => {
    let u = await uploadOf(req);
    if (jobDied(u)) u = await recordDeath(db, u);
    if (!['checked', 'failed'].includes(u.status)) return res.redirect(303, `${BASE}/${u.id}`);
    await runJob(u.id, (await getImport(db, u.id, req.user!.id))!, true, res);
  });

  router.post(`${BASE}/:id/apply`, returns, async (req, res) => {
    const u = await uploadOf(req);
    const r = u.result;
    if (u.status !== 'checked' || !r?.dryRun || r.problemCount) {
      if (u.status === 'applied' || u.status === 'applying') return res.redirect(303, `${BASE}/${u.id}`);
      return res.status(409).render('errors/problem', { title: 'This file cannot be imported yet', message: 'Check the file first, and correct any problems.' });
    }
    await runJob(u.id, u, false, res);
  });

  return router;
}
