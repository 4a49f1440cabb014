// Match the file's values to the code lists, and name the mapping to save it
// (views/tracker-import/values.ejs); saving starts the check.
import type { Request, Response } from 'express';
import type { Services } from '../../services.js';
import { str } from '../../common/forms.js';
import { saveValues, valueQuestions, type ValueQuestion } from '../flow.js';
import { getImport, getMapping, saveMapping, updateImport } from '../store.js';
import { BASE, trackerWork, type Working } from './working.js';

function render(res: Response, status: number, w: Working, questions: ValueQuestion[], name: string, errors: Record<string, string>) {
  res.status(status).render('tracker-import/values', {
    title: 'Match the values', errors, upload: w.u, questions, name, backLink: `${BASE}/${w.u.id}/columns`,
  });
}

export function trackerValuesPage(services: Services) {
  const { db } = services;
  const { workingWithHeader, runJob } = trackerWork(services);

  async function get(req: Request, res: Response) {
    const w = await workingWithHeader(req, res);
    if (!w) return;
    const saved = w.u.mapping_id ? await getMapping(db, w.u.mapping_id) : null;
    render(res, 200, w, await valueQuestions(db, w.u, w.sheet, w.header), saved?.name ?? '', {});
  }

  async function post(req: Request, res: Response) {
    const w = await workingWithHeader(req, res);
    if (!w) return;
    const questions = await valueQuestions(db, w.u, w.sheet, w.header);
    const mapping = await saveValues(db, w.u, questions, (column, i) => str(req.body[`v-${column}-${i}`]));
    const name = str(req.body.name).replace(/\s+/g, ' ');
    if (name.length > 100) {
      return render(res, 400, w, await valueQuestions(db, { ...w.u, mapping }, w.sheet, w.header), name, { name: 'The mapping’s name must be 100 characters or fewer' });
    }
    let u = (await getImport(db, w.u.id, req.user!.id))!;
    if (name) {
      const id = await saveMapping(db, name, { ...mapping, header: { row: w.header.row, depth: w.header.depth } }, req.user!.id);
      await updateImport(db, u.id, { mapping_id: id });
      u = (await getImport(db, u.id, req.user!.id))!;
    }
    await runJob(u.id, u, true, res);
  }

  return { get, post };
}
