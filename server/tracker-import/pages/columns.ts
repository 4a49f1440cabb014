// Match the file's columns to the fields (views/tracker-import/columns.ejs).
import type { Request, Response } from 'express';
import type { Services } from '../../services.js';
import { str } from '../../common/forms.js';
import { ownValue } from '../../common/own.js';
import { COLUMN_BY_NAME, COLUMNS } from '../../interchange/columns.js';
import { columnLetter } from '../header.js';
import { columnSamples, saveColumns } from '../flow.js';
import { BASE, trackerWork, type Working } from './working.js';

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

function render(res: Response, status: number, w: Working, errors: Record<string, string>, chosen?: Map<number, string | null>, also?: Map<number, string | null>) {
  const columns = columnSamples(w.sheet, w.header).map((c) => ({
    ...c, letter: columnLetter(c.index), field: `col-${c.index}`,
    value: chosen ? chosen.get(c.index) ?? '' : ownValue(w.u.mapping?.columns, c.name) ?? '',
    also: also ? also.get(c.index) ?? '' : (ownValue(w.u.mapping?.also, c.name)?.[0] ?? ''),
  }));
  res.status(status).render('tracker-import/columns', {
    title: 'Match the columns', errors, upload: w.u, header: w.header, columns, targets: TARGETS, backLink: `${BASE}/${w.u.id}/header`,
  });
}

export function trackerColumnsPage(services: Services) {
  const { db } = services;
  const { workingWithHeader } = trackerWork(services);

  async function get(req: Request, res: Response) {
    const w = await workingWithHeader(req, res);
    if (!w) return;
    render(res, 200, w, {});
  }

  async function post(req: Request, res: Response) {
    const w = await workingWithHeader(req, res);
    if (!w) return;
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
      return render(res, 400, w, errors, chosen, also);
    }
    res.redirect(303, `${BASE}/${w.u.id}/values`);
  }

  return { get, post };
}
