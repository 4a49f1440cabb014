// Comparison populations (views/insight/comparison.ejs): uploaded or pasted by the data lead,
// used on the equity page; a sample file; deleting one.
import type { Request, Response } from 'express';
import type { Knex } from 'knex';
import { str } from '../../common/forms.js';
import { comparisonSource, parseComparisonCsv, SAMPLE_CSV } from '../comparison.js';
import { deleteComparison, listComparisons, saveComparison } from '../comparison-repository.js';
import type { InsightService } from './selection.js';

export const COMPARISON_PATH = '/insight/comparison';
export const COMPARISON_LIMIT_BYTES = 1024 * 1024;

export function comparisonPage(db: Knex, service: InsightService) {
  async function render(req: Request, res: Response, status: number, extra: Record<string, unknown> = {}) {
    res.status(status).render('insight/comparison', {
      title: 'Comparison populations',
      comparisons: await listComparisons(db),
      values: { name: '', csv: '' },
      errors: {},
      problems: [],
      fileUpload: !!req.app.locals.comparisonUploadParser,
      limitMb: COMPARISON_LIMIT_BYTES / 1024 / 1024,
      saved: null,
      deleted: false,
      backLink: '/insight/equity',
      ...extra,
    });
  }

  async function get(req: Request, res: Response) {
    const saved = Number(str(req.query.saved));
    await render(req, res, 200, { saved: Number.isInteger(saved) && saved > 0 ? saved : null, deleted: str(req.query.deleted) === '1' });
  }

  function sample(_req: Request, res: Response) {
    res.attachment('comparison-population-sample.csv').type('csv').send(SAMPLE_CSV);
  }

  async function post(req: Request, res: Response) {
    const name = str(req.body?.name);
    const pasted = typeof req.body?.csv === 'string' ? req.body.csv : '';
    const values = { name, csv: pasted };
    const file = req.file;
    const { text, errors } = comparisonSource({ name, pasted, file, uploadError: req.uploadError });
    let problems: { row: number | null; message: string }[] = [];
    if (text !== null) {
      const parsed = parseComparisonCsv(text, (await service.basicsNow()).codes);
      problems = parsed.problems;
      if (problems.length) {
        const field = file ? 'file' : 'csv';
        errors[field] = problems.length === 1 ? problems[0].message : `The figures have ${problems.length} problems, listed below. Nothing has been saved`;
      } else if (!Object.keys(errors).length) {
        const id = await saveComparison(db, req.user!.id, name, parsed.rows);
        return res.redirect(`${COMPARISON_PATH}?saved=${id}`);
      }
    }
    await render(req, res, 400, { values, errors, problems });
  }

  async function deletePost(req: Request, res: Response) {
    const id = Number(str(req.body?.id));
    if (!Number.isInteger(id) || id < 1) return render(req, res, 400, { errors: { comparisons: 'Select a comparison population to delete' } });
    if (!(await deleteComparison(db, req.user!.id, id))) return render(req, res, 404, { errors: { comparisons: 'That comparison population has already been deleted' } });
    res.redirect(`${COMPARISON_PATH}?deleted=1`);
  }

  return { get, sample, post, delete: deletePost };
}
