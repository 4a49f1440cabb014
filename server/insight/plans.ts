// Plans made at the initial conferences held in the period: whether a plan was agreed, what
// agreed plans provide, and whether they reached the family within 10 working days of being agreed.
import type { AnnualReturn } from '../annual-return/counting.js';
import { listRows, NR } from '../annual-return/breakdowns.js';
import { countPeriod, indexReferrals, pick, type CaseData, type Range } from './common.js';
import { share, type InsightTable } from './tables.js';
import { workingDaysBetween } from './working-days.js';

export const SENT_WITHIN_WORKING_DAYS = 10;

export interface PlanFigures {
  ret: AnnualReturn;
  held: number;
  agreed: number;
  notAgreed: number;
  notRecorded: number;
  /** plan content code -> agreed plans providing it (NR: agreed plans with no content recorded) */
  content: Map<string, number>;
  sent: { within: number; later: number; notSent: number; noPlanDate: number };
  tables: InsightTable[];
}

export function planFigures(data: CaseData, period: Range): PlanFigures {
  const ret = countPeriod(data, period, data.referrals, { childBreakdowns: false });
  const byId = indexReferrals(data.referrals);
  const held = pick(byId, ret.populations.tookPlace.fgcIds);
  const agreedPlans = pick(byId, ret.populations.plansAgreed.fgcIds);
  const notAgreed = held.filter((r) => r.plan_agreed === false).length;
  const notRecorded = held.length - agreedPlans.length - notAgreed;

  const content = new Map<string, number>();
  const sent = { within: 0, later: 0, notSent: 0, noPlanDate: 0 };
  for (const r of agreedPlans) {
    const codes = new Set(r.plan_content.filter((c) => c && c.trim()));
    if (codes.size === 0) content.set(NR, (content.get(NR) ?? 0) + 1);
    for (const c of codes) content.set(c, (content.get(c) ?? 0) + 1);
    const days = r.plan_date && r.plan_sent_date ? workingDaysBetween(r.plan_date, r.plan_sent_date) : null;
    if (!r.plan_date) sent.noPlanDate++;
    else if (!r.plan_sent_date || days === null) sent.notSent++;
    else if (days <= SENT_WITHIN_WORKING_DAYS) sent.within++;
    else sent.later++;
  }
  const figures = { ret, held: held.length, agreed: agreedPlans.length, notAgreed, notRecorded, content, sent };
  return { ...figures, tables: [agreedTable(figures), contentTable(figures, data), sentTable(figures)] };
}

type Figures = Omit<PlanFigures, 'tables'>;

function agreedTable(f: Figures): InsightTable {
  return {
    id: 'plans-agreed',
    title: 'Plans at the initial conferences held in the period',
    columns: [
      { key: 'plan', header: 'Plan', kind: 'label' },
      { key: 'fgcs', header: 'FGCs', kind: 'count' },
      { key: 'share', header: 'Share of conferences', kind: 'percent', basedOn: ['fgcs'] },
    ],
    rows: [
      { cells: { plan: 'Plan agreed', fgcs: f.agreed, share: share(f.agreed, f.held) } },
      { cells: { plan: 'No plan agreed', fgcs: f.notAgreed, share: share(f.notAgreed, f.held) } },
      { cells: { plan: 'Not recorded', fgcs: f.notRecorded, share: share(f.notRecorded, f.held) } },
      { total: true, cells: { plan: 'Initial conferences held', fgcs: f.held, share: f.held ? 1 : null } },
    ],
    additive: true,
  };
}

function contentTable(f: Figures, data: CaseData): InsightTable {
  const spec = listRows(data.codes, 'plan_content');
  const known = new Set(spec.map((s) => s.code));
  const extra = [...f.content.keys()].filter((c) => c !== NR && !known.has(c)).map((c) => ({ code: c, label: `${c} (code not in list)` }));
  const rows = [...spec, ...extra, { code: NR, label: 'No content recorded' }].map((s) => {
    const n = f.content.get(s.code) ?? 0;
    return { cells: { content: s.label, fgcs: n, share: share(n, f.agreed) } };
  });
  return {
    id: 'plan-content',
    title: 'What the agreed plans provide',
    columns: [
      { key: 'content', header: 'The plan provides', kind: 'label' },
      { key: 'fgcs', header: 'Plans', kind: 'count' },
      { key: 'share', header: 'Share of agreed plans', kind: 'percent', basedOn: ['fgcs'] },
    ],
    rows,
    note: `A plan can provide several things, so these add up to more than the ${f.agreed.toLocaleString('en-GB')} agreed plans.`,
  };
}

function sentTable(f: Figures): InsightTable {
  const s = f.sent;
  const row = (label: string, n: number) => ({ cells: { sent: label, fgcs: n, share: share(n, f.agreed) } });
  return {
    id: 'plans-sent',
    title: `Agreed plans sent to the family within ${SENT_WITHIN_WORKING_DAYS} working days`,
    columns: [
      { key: 'sent', header: 'Sent to the family', kind: 'label' },
      { key: 'fgcs', header: 'Plans', kind: 'count' },
      { key: 'share', header: 'Share of agreed plans', kind: 'percent', basedOn: ['fgcs'] },
    ],
    rows: [
      row(`Within ${SENT_WITHIN_WORKING_DAYS} working days of being agreed`, s.within),
      row(`Later than ${SENT_WITHIN_WORKING_DAYS} working days`, s.later),
      row('Not sent, or the date it was sent not recorded', s.notSent),
      row('Date the plan was agreed not recorded', s.noPlanDate),
      { total: true, cells: { sent: 'Agreed plans', fgcs: f.agreed, share: f.agreed ? 1 : null } },
    ],
    additive: true,
    note: 'Working days leave out weekends and bank holidays in England and Wales. A plan sent the day it was agreed took 0 working days.',
  };
}
