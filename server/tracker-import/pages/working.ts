// What the tracker import's pages share: the upload the route names (the signed-in data
// lead's own), its sheet and headings, and the check or import run for it.
import type { Request, Response } from 'express';
import type { Services } from '../../services.js';
import { notFound } from '../../middleware/errors.js';
import { idParam } from '../../middleware/params.js';
import { headerOf, sheetOf, type NextStep } from '../flow.js';
import { startJob, waitForJob } from '../jobs.js';
import type { TrackerSheet } from '../read.js';
import { getImport, type TrackerImportRow } from '../store.js';

export const BASE = '/imports/tracker';

export const stepUrl = (id: number, step: NextStep) => (step === 'check' ? `${BASE}/${id}` : `${BASE}/${id}/${step}`);

export function trackerWork({ db, logger }: Services) {
  /** The upload the route's :id names, if it is this user's; 404 otherwise. */
  async function uploadOf(req: Request): Promise<TrackerImportRow> {
    const row = await getImport(db, idParam(req), req.user!.id);
    if (!row) throw notFound();
    return row;
  }

  /** The upload's sheet and headings, or a page saying the upload has gone (and null). */
  async function workingOn(req: Request, res: Response) {
    const u = await uploadOf(req);
    const sheet = ['mapping', 'checked', 'failed'].includes(u.status) ? await sheetOf(db, u) : null;
    if (!sheet) {
      res.status(404).render('errors/problem', { title: 'This upload is no longer available', message: 'It has been imported, or it has expired. Upload the file again.' });
      return null;
    }
    return { u, sheet, header: headerOf(sheet, u) };
  }

  /** As workingOn, for the steps after the headings: without headings chosen, a redirect to choose them (and null). */
  async function workingWithHeader(req: Request, res: Response) {
    const w = await workingOn(req, res);
    if (!w) return null;
    const { header } = w;
    if (!header) {
      res.redirect(303, `${BASE}/${w.u.id}/header`);
      return null;
    }
    return { ...w, header };
  }

  /** Starts the check (a dry run) or the import, waits a moment for it, and shows its page. */
  async function runJob(id: number, u: TrackerImportRow, dryRun: boolean, res: Response, read?: TrackerSheet) {
    const sheet = read ?? (await sheetOf(db, u));
    await startJob({ db, logger, upload: u, dryRun, sheet: sheet ?? undefined });
    await waitForJob(id);
    res.redirect(303, `${BASE}/${id}`);
  }

  return { uploadOf, workingOn, workingWithHeader, runJob };
}

export type Working = NonNullable<Awaited<ReturnType<ReturnType<typeof trackerWork>['workingWithHeader']>>>;
