import { Router, type NextFunction, type Request, type Response } from 'express';
import type { Services } from '../services.js';
import { requirePermission } from '../auth/authorisation.js';
import { auditEvent } from '../audit/audit.js';
import { uploadErrorOf, uploadParser } from '../middleware/upload.js';
import { todayIso } from '../common/dates.js';
import { idParam } from '../middleware/params.js';
import { importInterchange, writeCsv, writeXlsx, type ImportOutcome } from './index.js';
import { importReview } from './review.js';
import { problemCountText } from './problem-count.js';
import { clientGone } from '../uploads/abandon.js';

// The data lead's interchange pages: upload → dry-run preview → confirm (applies), and the
// full child-level export. Permission 'returns' (data leads only).

export const UPLOAD_LIMIT_BYTES = 20 * 1024 * 1024;
/** Problems shown on the page; the command-line import lists them all. */
export const PROBLEMS_SHOWN = 1000;
const UPLOAD_PATH = '/imports/interchange';
const KEEP_UPLOADS_MS = 24 * 60 * 60 * 1000;

/** Parses the upload before the CSRF check: mount it app-wide, before CSRF (see uploadParser). */
export const interchangeUploadParser = uploadParser(UPLOAD_PATH, UPLOAD_LIMIT_BYTES);

export function interchangeRoutes(services: Services): Router {
  const { db } = services;
  const router = Router();
  const returns = requirePermission('returns');

  const renderUpload = (res: Response, status: number, errors: Record<string, string> = {}) =>
    res.status(status).render('interchange/upload', { title: 'Import and export case data', errors, limitMb: UPLOAD_LIMIT_BYTES / 1024 / 1024 });

  function renderPreview(res: Response, status: number, o: { filename: string; uploadId?: number; result: ImportOutcome }) {
    const { summary, problems } = o.result;
    const n = problems.length;
    const errors = n
      ? { problems: `${problemCountText(n, o.result.stoppedAt)}. Nothing has been imported. Correct the file and upload it again` }
      : {};
    res.status(status).render('interchange/preview', {
      title: n ? 'The file cannot be imported' : 'Check the import',
      errors, filename: o.filename, uploadId: o.uploadId, summary,
      problems: problems.slice(0, PROBLEMS_SHOWN), problemCount: n, shown: Math.min(n, PROBLEMS_SHOWN), stoppedAt: o.result.stoppedAt,
      review: importReview(o.result.findings, o.result.warnings),
      hasChanges: (['families', 'children', 'referrals'] as const).some((k) => summary[k].create + summary[k].update > 0),
      backLink: UPLOAD_PATH,
    });
  }

  router.get(UPLOAD_PATH, returns, (_req, res) => renderUpload(res, 200));

  router.post(UPLOAD_PATH, returns, async (req, res) => {
    const uploadError = uploadErrorOf(req);
    if (uploadError) return renderUpload(res, 400, { file: uploadError });
    const file = req.file;
    if (!file || !file.size) return renderUpload(res, 400, { file: file ? 'The selected file is empty' : 'Select a CSV or Excel file' });
    const filename = file.originalname.slice(0, 255);
    if (!/\.(csv|xlsx|txt)$/i.test(filename)) return renderUpload(res, 400, { file: 'The selected file must be a CSV or an Excel workbook (.xlsx)' });
    const result = await importInterchange(db, file.buffer, { filename, userId: req.user!.id, dryRun: true, signal: clientGone(req, res) });
    if (result.unreadable) return renderUpload(res, 400, { file: result.unreadable });
    if (result.problems.length) return renderPreview(res, 400, { filename, result });
    const at = new Date();
    await db('import_uploads').where('created_at', '<', new Date(at.getTime() - KEEP_UPLOADS_MS).toISOString()).orWhere({ user_id: req.user!.id }).delete();
    const [row] = await db('import_uploads').insert({ user_id: req.user!.id, filename, content: file.buffer, created_at: at.toISOString() }).returning('id');
    const uploadId = Number(typeof row === 'object' ? row.id : row);
    renderPreview(res, 200, { filename, uploadId, result });
  });

  router.post(`${UPLOAD_PATH}/:id/apply`, returns, async (req, res) => {
    const id = idParam(req);
    const stored = await db('import_uploads').where({ id, user_id: req.user!.id }).first();
    if (!stored) {
      return res.status(404).render('errors/problem', {
        title: 'This upload is no longer available',
        message: 'It has already been imported, or it has expired. Upload the file again to check and import it.',
      });
    }
    const content = Buffer.isBuffer(stored.content) ? stored.content : Buffer.from(stored.content);
    const result = await importInterchange(db, content, { filename: stored.filename, userId: req.user!.id, dryRun: false, signal: clientGone(req, res) });
    await db('import_uploads').where({ id }).delete();
    if (result.problems.length) return renderPreview(res, 409, { filename: stored.filename, result });
    res.render('interchange/done', {
      title: 'Import complete', filename: stored.filename, summary: result.summary, applied: result.applied, review: importReview(result.findings, result.warnings),
    });
  });

  const download = (kind: 'csv' | 'xlsx') => async (req: Request, res: Response, next: NextFunction) => {
    await auditEvent(db, req.user!.id, 'export', 'interchange', `all cases, child level (${kind})`);
    res.setHeader('Content-Type', kind === 'csv' ? 'text/csv; charset=utf-8' : 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    res.setHeader('Content-Disposition', `attachment; filename="fgc-cases-${todayIso()}.${kind}"`);
    try {
      await (kind === 'csv' ? writeCsv(db, res) : writeXlsx(db, res));
    } catch (e) {
      if (!res.headersSent) return next(e);
      services.logger.error({ err: { message: (e as Error).message } }, 'interchange export failed part way');
      res.destroy();
    }
  };
  router.get('/exports/interchange.csv', returns, download('csv'));
  router.get('/exports/interchange.xlsx', returns, download('xlsx'));
  return router;
}
