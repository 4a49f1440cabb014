// The case list: search and filter the referrals (views/cases/list.ejs).
import type { Request, Response } from 'express';
import type { Services } from '../../services.js';
import { currentCodeLists, codeLabel } from '../../codes/code-lists.js';
import { todayIso } from '../../common/dates.js';
import { str } from '../../common/forms.js';
import { loadReferrals } from '../referrals-repository.js';
import { searchCases, PAGE_SIZE } from '../case-list.js';
import { nextStep } from '../next-step.js';

export function caseListPage({ db }: Services) {
  async function get(req: Request, res: Response) {
    const q = str(req.query.q).slice(0, 100);
    const status = (['open', 'closed'].includes(str(req.query.status)) ? str(req.query.status) : '') as 'open' | 'closed' | '';
    const stage = str(req.query.stage).slice(0, 20);
    const page = Math.max(1, Math.min(10_000, Number.parseInt(str(req.query.page), 10) || 1));
    const codes = await currentCodeLists(db, req);
    const { rows, total } = await searchCases(db, { q, status, stage, page, userId: req.user!.id });
    const referrals = await loadReferrals(db, { ids: rows.map((r) => r.id) });
    const steps = new Map(referrals.map((r) => [r.id, nextStep(r, todayIso())]));
    res.render('cases/list', {
      title: 'Cases',
      rows: rows.map((r) => ({ ...r, stage: codeLabel(codes, 'stage_offered', r.stage_offered), next: steps.get(r.id) })),
      total, page, pages: Math.max(1, Math.ceil(total / PAGE_SIZE)), filters: { q, status, stage },
      stageOptions: codes.stage_offered.map((c) => ({ value: c.code, text: c.label })),
    });
  }

  return { get };
}
