// Which row has the column headings, asked only when they were not found
// (views/tracker-import/header.ejs).
import type { Request, Response } from 'express';
import type { Services } from '../../services.js';
import { str } from '../../common/forms.js';
import { HEADER_SCAN_ROWS } from '../header.js';
import { chooseHeader, headingChoices } from '../flow.js';
import type { TrackerSheet } from '../read.js';
import type { TrackerImportRow } from '../store.js';
import { BASE, trackerWork } from './working.js';

function render(res: Response, status: number, u: TrackerImportRow, sheet: TrackerSheet, errors: Record<string, string>, values: { row: string; depth: string }, notice?: string) {
  res.status(status).render('tracker-import/header', {
    title: 'Which row has the column headings?', errors, values, notice, upload: u, choices: headingChoices(sheet), scanRows: HEADER_SCAN_ROWS, backLink: BASE,
  });
}

export function trackerHeaderPage(services: Services) {
  const { db } = services;
  const { workingOn } = trackerWork(services);

  async function get(req: Request, res: Response) {
    const w = await workingOn(req, res);
    if (!w) return;
    const notice = req.session.trackerNotice;
    delete req.session.trackerNotice;
    render(res, 200, w.u, w.sheet, {}, { row: String(w.u.header_row ?? ''), depth: String(w.u.header_depth ?? 1) }, notice);
  }

  async function post(req: Request, res: Response) {
    const w = await workingOn(req, res);
    if (!w) return;
    const row = Number(str(req.body.row));
    const depth = Number(str(req.body.depth) || '1');
    const choices = headingChoices(w.sheet);
    const errors: Record<string, string> = {};
    if (!choices.some((c) => c.row === row)) errors.row = 'Select the row with the column headings';
    else if (![1, 2, 3].includes(depth) || depth > row) errors.depth = 'Select how many rows the headings take';
    if (Object.keys(errors).length) return render(res, 400, w.u, w.sheet, errors, { row: str(req.body.row), depth: str(req.body.depth) });
    await chooseHeader(db, w.u, w.sheet, row, depth);
    res.redirect(303, `${BASE}/${w.u.id}/columns`);
  }

  return { get, post };
}
