// Outcomes at 6 and 12 months: the legal status and living arrangement of the children of FGCs
// held in the period, beside those of FGCs closed in the period without a conference.
// Outcomes fall due 6 and 12 months after the initial conference (as on the case page's next
// step, server/cases/next-step.ts), or, where none was held, after the episode closed.
import type { AnnualReturn, CodeLists } from '../annual-return/counting.js';
import { listRows } from '../annual-return/breakdowns.js';
import { addMonths } from '../common/dates.js';
import type { Referral, ReferralChild } from '../cases/types.js';
import { countPeriod, indexReferrals, pick, resolverFor, type CaseData, type Range } from './common.js';
import { earliestRows } from './people.js';
import { share, type InsightTable, type TableRow } from './tables.js';

export const NOT_YET_DUE = 'NOTYETDUE';
export const DUE_NOT_RECORDED = 'DUENOTRECORDED';

export const OUTCOME_VIEWS = [
  { key: '6m_legal_status', months: 6, field: 'outcome_6m_legal_status', list: 'outcome_legal_status', title: 'Legal status 6 months after' },
  { key: '6m_living', months: 6, field: 'outcome_6m_living', list: 'living_arrangement', title: 'Living arrangement 6 months after' },
  { key: '12m_legal_status', months: 12, field: 'outcome_12m_legal_status', list: 'outcome_legal_status', title: 'Legal status 12 months after' },
  { key: '12m_living', months: 12, field: 'outcome_12m_living', list: 'living_arrangement', title: 'Living arrangement 12 months after' },
] as const;

export interface OutcomeGroup {
  /** distinct children */
  children: number;
  /** per view: outcome code (or NOT_YET_DUE / DUE_NOT_RECORDED) -> children */
  counts: Record<string, Map<string, number>>;
}

/** Each distinct child once, from the earliest referral in the group, with the date its outcomes count from. */
function outcomeGroup(referrals: Referral[], resolve: (id: number) => number, anchor: (r: Referral) => string | null, today: string): OutcomeGroup {
  const rows = earliestRows(referrals, resolve);
  const counts: OutcomeGroup['counts'] = {};
  // due when counted from a date on or before the last one due by today (no date sums per child)
  const lastDue = { 6: lastDueConference(today, 6), 12: lastDueConference(today, 12) };
  for (const v of OUTCOME_VIEWS) {
    const m = new Map<string, number>();
    for (const { referral, row } of rows.values()) {
      const recorded = row[v.field as keyof ReferralChild] as string | null;
      let code: string;
      if (recorded && String(recorded).trim()) code = String(recorded);
      else {
        const from = anchor(referral);
        code = from && from <= lastDue[v.months] ? DUE_NOT_RECORDED : NOT_YET_DUE;
      }
      m.set(code, (m.get(code) ?? 0) + 1);
    }
    counts[v.key] = m;
  }
  return { children: rows.size, counts };
}

export interface OutcomeFigures {
  ret: AnnualReturn;
  held: OutcomeGroup;
  notHeld: OutcomeGroup;
  tables: InsightTable[];
}

export function outcomeFigures(data: CaseData, period: Range, today: string): OutcomeFigures {
  const ret = countPeriod(data, period, data.referrals, { childBreakdowns: false });
  const byId = indexReferrals(data.referrals);
  const resolve = resolverFor(data);
  const held = outcomeGroup(pick(byId, ret.populations.tookPlace.fgcIds), resolve, (r) => r.initial_fgc_date, today);
  const notHeld = outcomeGroup(pick(byId, ret.populations.didNotTakePlace.fgcIds), resolve, (r) => r.closure_date, today);
  const tables = OUTCOME_VIEWS.map((v) => outcomeTable(v, held, notHeld, data.codes));
  return { ret, held, notHeld, tables };
}

function outcomeTable(v: (typeof OUTCOME_VIEWS)[number], held: OutcomeGroup, notHeld: OutcomeGroup, codes: CodeLists): InsightTable {
  const spec = listRows(codes, v.list);
  const known = new Set(spec.map((s) => s.code));
  const extra = new Set<string>();
  for (const g of [held, notHeld]) for (const code of g.counts[v.key].keys()) if (!known.has(code) && code !== NOT_YET_DUE && code !== DUE_NOT_RECORDED) extra.add(code);
  const categories = [...spec, ...[...extra].map((c) => ({ code: c, label: `${c} (code not in list)` }))];
  const recorded = (g: OutcomeGroup) => categories.reduce((a, c) => a + (g.counts[v.key].get(c.code) ?? 0), 0);
  const heldRecorded = recorded(held);
  const notHeldRecorded = recorded(notHeld);
  const row = (code: string, label: string, isOutcome: boolean): TableRow => {
    const h = held.counts[v.key].get(code) ?? 0;
    const n = notHeld.counts[v.key].get(code) ?? 0;
    return { cells: { outcome: label, held: h, heldShare: isOutcome ? share(h, heldRecorded) : null, notHeld: n, notHeldShare: isOutcome ? share(n, notHeldRecorded) : null } };
  };
  const rows = [
    ...categories.map((c) => row(c.code, c.label, true)),
    row(DUE_NOT_RECORDED, 'Due but not recorded', false),
    row(NOT_YET_DUE, 'Not yet due', false),
    { total: true, cells: { outcome: 'Total children', held: held.children, heldShare: null, notHeld: notHeld.children, notHeldShare: null } },
  ];
  return {
    id: `outcome-${v.key}`,
    title: `${v.title} the conference (or closure without one)`,
    columns: [
      { key: 'outcome', header: 'Outcome', kind: 'label' },
      { key: 'held', header: 'Children, FGC held', kind: 'count' },
      { key: 'heldShare', header: 'Share of those recorded, FGC held', kind: 'percent', basedOn: ['held'] },
      { key: 'notHeld', header: 'Children, no FGC held', kind: 'count' },
      { key: 'notHeldShare', header: 'Share of those recorded, no FGC held', kind: 'percent', basedOn: ['notHeld'] },
    ],
    rows,
    additive: true,
    note: 'FGC held: children in initial conferences held in the period, counted from the conference date. No FGC held: children in FGCs closed in the period without a conference, counted from the closure date. Each child counts once, with the outcome recorded on their earliest referral in the group. Shares are of the children with that outcome recorded.',
  };
}

/**
 * What an outcome table holds: outcomes recorded (a chart of their shares is worth drawing),
 * outcomes due but none recorded, or nothing due yet (every child's outcome falls due later).
 */
export function outcomeTableState(t: InsightTable): { state: 'recorded' | 'none-recorded' | 'nothing-due'; recorded: number; dueNotRecorded: number; notYetDue: number } {
  const body = t.rows.filter((r) => !r.total);
  const [due, notYet] = body.slice(-2);
  const counts = (r: TableRow | undefined) => (Number(r?.cells.held) || 0) + (Number(r?.cells.notHeld) || 0);
  const recorded = body.slice(0, -2).reduce((a, r) => a + counts(r), 0);
  const dueNotRecorded = counts(due);
  return { state: recorded ? 'recorded' : dueNotRecorded ? 'none-recorded' : 'nothing-due', recorded, dueNotRecorded, notYetDue: counts(notYet) };
}

export interface DueOutcome {
  referralId: number;
  referralRef: string;
  familyId: number;
  conferenceDate: string;
  /** 6 or 12 */
  months: number;
  due: string;
  /** children on the referral with the outcome (legal status or living arrangement) not recorded */
  children: number;
}

/**
 * Outcomes now due that nobody has recorded, oldest first (then by referral reference): for each FGC held, the 6-month and
 * the 12-month outcome, due when next-step.ts says (that many months after the conference),
 * missing when any child on the referral lacks the legal status or living arrangement.
 */
export function dueOutcomes(referrals: Iterable<Pick<Referral, 'id' | 'referral_ref' | 'family_id' | 'initial_fgc_date' | 'children'>>, today: string): DueOutcome[] {
  const out: DueOutcome[] = [];
  const lastHeld = { 6: lastDueConference(today, 6), 12: lastDueConference(today, 12) };
  for (const r of referrals) {
    const held = r.initial_fgc_date;
    if (!held) continue;
    for (const months of [6, 12] as const) {
      if (held > lastHeld[months]) continue;
      let missing = 0;
      for (const c of r.children) {
        if (months === 6 ? !c.outcome_6m_legal_status || !c.outcome_6m_living : !c.outcome_12m_legal_status || !c.outcome_12m_living) missing++;
      }
      if (missing) out.push({ referralId: r.id, referralRef: r.referral_ref, familyId: r.family_id, conferenceDate: held, months, due: addMonths(held, months), children: missing });
    }
  }
  // by due date, then reference (never id): the same cases list the same way in any database
  return out.sort((a, b) => (a.due < b.due ? -1 : a.due > b.due ? 1 : a.referralRef < b.referralRef ? -1 : a.referralRef > b.referralRef ? 1 : a.months - b.months));
}

/** The latest conference date whose outcome `months` later is due by `today` (addMonths clamps month ends, so several days can fall due on one). */
export function lastDueConference(today: string, months: number): string {
  let d = addMonths(today, -months);
  for (let i = 0; i < 4; i++) {
    const next = new Date(Date.parse(`${d}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
    if (addMonths(next, months) <= today) d = next;
    else break;
  }
  return d;
}

export function dueTable(due: DueOutcome[]): InsightTable {
  return {
    id: 'outcomes-due',
    title: 'Outcomes due and not recorded',
    columns: [
      { key: 'referral', header: 'Referral', kind: 'text' },
      { key: 'conference', header: 'Initial conference', kind: 'text' },
      { key: 'outcome', header: 'Outcome', kind: 'text' },
      { key: 'due', header: 'Due', kind: 'text' },
      { key: 'children', header: 'Children without it', kind: 'number' },
    ],
    rows: due.map((d) => ({ cells: { referral: d.referralRef, conference: d.conferenceDate, outcome: `${d.months} months`, due: d.due, children: d.children } })),
    note: 'Every FGC held up to today (with the filters) whose 6- or 12-month outcome is due and not recorded for at least one child.',
  };
}
