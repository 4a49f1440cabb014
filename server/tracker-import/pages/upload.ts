// Upload a tracker spreadsheet, choosing a saved mapping or not; delete a saved mapping
// (views/tracker-import/upload.ejs).
import type { Request, Response } from 'express';
import type { Services } from '../../services.js';
import { str } from '../../common/forms.js';
import { uploadErrorOf } from '../../middleware/upload.js';
import { idParam } from '../../middleware/params.js';
import { clientGone } from '../../uploads/abandon.js';
import { UPLOAD_LIMIT_BYTES } from '../../interchange/routes.js';
import { receiveUpload } from '../flow.js';
import { deleteMapping, getImport, listMappings } from '../store.js';
import { BASE, stepUrl, trackerWork } from './working.js';

export function trackerUploadPage(services: Services) {
  const { db } = services;
  const { runJob } = trackerWork(services);

  async function render(res: Response, status: number, errors: Record<string, string> = {}, values: Record<string, string> = {}) {
    res.status(status).render('tracker-import/upload', {
      title: 'Import a tracker spreadsheet', errors, values, mappings: await listMappings(db), limitMb: UPLOAD_LIMIT_BYTES / 1024 / 1024,
    });
  }

  async function get(_req: Request, res: Response) {
    await render(res, 200);
  }

  async function post(req: Request, res: Response) {
    const uploadError = uploadErrorOf(req);
    const mappingId = /^\d+$/.test(str(req.body?.mapping)) ? Number(req.body.mapping) : null;
    const values = { mapping: mappingId ? String(mappingId) : '' };
    if (uploadError) return render(res, 400, { file: uploadError }, values);
    const file = req.file;
    if (!file || !file.size) return render(res, 400, { file: file ? 'The selected file is empty' : 'Select a CSV or Excel file' }, values);
    const filename = file.originalname.slice(0, 255);
    if (!/\.(csv|xlsx|txt)$/i.test(filename)) return render(res, 400, { file: 'The selected file must be a CSV or an Excel workbook (.xlsx)' }, values);
    const r = await receiveUpload(db, req.user!.id, filename, file.buffer, mappingId, clientGone(req, res));
    if (!r.id) return render(res, 400, { file: r.error ?? 'The selected file could not be read' }, values);
    if (r.error) req.session.trackerNotice = r.error;
    const u = (await getImport(db, r.id, req.user!.id))!;
    if (r.next === 'check') return runJob(r.id, u, true, res, r.sheet);
    res.redirect(303, stepUrl(r.id, r.next!));
  }

  async function deleteMappingPost(req: Request, res: Response) {
    await deleteMapping(db, idParam(req));
    res.redirect(303, BASE);
  }

  return { get, post, deleteMapping: deleteMappingPost };
}
