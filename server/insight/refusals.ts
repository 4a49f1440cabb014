// Why FGCs do not happen: reasons consent was not given and reasons FGCs did not take place,
// overall and by stage offered or by a characteristic of the children. Populations and
// characteristics come from computeReturn (period: decisions and closures dated in it).
import type { AnnualReturn, Breakdown, ChildDimension } from '../annual-return/counting.js';
import { codeOf } from '../annual-return/breakdowns.js';
import type { Referral } from '../cases/types.js';
import { ALL_TIME, countPeriod, indexReferrals, pick, resolverFor, type CaseData, type Range } from './common.js';
import { distinctChildren } from './people.js';
import { share, type InsightTable, type TableColumn, type TableRow } from './tables.js';

export const REFUSAL_DIMENSIONS = [
  { key: 'stageOffered', label: 'stage offered' },
  { key: 'legalStatus', label: 'legal status at referral' },
  { key: 'ethnicityGroup', label: 'ethnicity (major group)' },
  { key: 'sex', label: 'sex' },
  { key: 'ageBand', label: 'age band' },
  { key: 'disability', label: 'disability' },
] as const;
export type RefusalDimension = (typeof REFUSAL_DIMENSIONS)[number]['key'];

export function isRefusalDimension(s: string): s is RefusalDimension {
  return REFUSAL_DIMENSIONS.some((d) => d.key === s);
}

/** Reasons overall: FGCs, share of the FGCs, and distinct children. */
function reasonsTable(id: string, title: string, b: Breakdown, byId: Map<number, Referral>, resolve: (id: number) => number, note: string): InsightTable {
  const rows: TableRow[] = b.rows.map((r) => ({
    cells: { reason: r.label, fgcs: r.count, share: share(r.count, b.total), children: distinctChildren(pick(byId, r.ids), resolve).size },
  }));
  rows.push({ total: true, cells: { reason: 'Total', fgcs: b.total, share: b.total ? 1 : null, children: distinctChildren(pick(byId, b.rows.flatMap((r) => r.ids)), resolve).size } });
  return {
    id,
    title,
    columns: [
      { key: 'reason', header: 'Reason', kind: 'label' },
      { key: 'fgcs', header: 'FGCs', kind: 'count' },
      { key: 'share', header: 'Share of FGCs', kind: 'percent', basedOn: ['fgcs'] },
      { key: 'children', header: 'Children', kind: 'count' },
    ],
    rows,
    additive: true,
    note,
  };
}

/** Category rows of a breakdown, as column specs (key = code). */
const categoryColumns = (b: Breakdown): TableColumn[] => b.rows.map((r) => ({ key: `c_${r.code}`, header: r.label, kind: 'count' as const }));

/**
 * Reasons (rows) by category (columns). `cell(reasonIds, categoryCode)` counts; the Total column is
 * the reason's own total. For FGCs each FGC has one reason and one category, so the table adds up
 * both ways; for children a child on two referrals may appear under two reasons.
 */
function reasonsByCategory(
  id: string, title: string, reasons: Breakdown, categories: Breakdown, unit: 'FGCs' | 'children',
  count: (reasonIds: number[]) => Map<string, number>, totals: Map<string, number>, note: string,
): InsightTable {
  const cols = categoryColumns(categories);
  const rows: TableRow[] = reasons.rows.map((r) => {
    const counts = count(r.ids);
    const cells: TableRow['cells'] = { reason: r.label };
    let sum = 0;
    for (const c of categories.rows) {
      const v = counts.get(c.code) ?? 0;
      cells[`c_${c.code}`] = v;
      sum += v;
    }
    cells.total = sum;
    return { cells };
  });
  const totalCells: TableRow['cells'] = { reason: unit === 'FGCs' ? 'Total' : 'All reasons (each child once)' };
  let all = 0;
  for (const c of categories.rows) {
    const v = totals.get(c.code) ?? 0;
    totalCells[`c_${c.code}`] = v;
    all += v;
  }
  totalCells.total = all;
  rows.push({ total: true, cells: totalCells });
  return {
    id,
    title,
    columns: [{ key: 'reason', header: 'Reason', kind: 'label' }, ...cols, { key: 'total', header: `Total ${unit}`, kind: 'count' }],
    rows,
    additive: unit === 'FGCs',
    rowParts: { parts: cols.map((c) => c.key), total: 'total' },
    note,
  };
}

/** Consent decisions in the period by category: consented, not consented, share not consented. */
function decisionsTable(id: string, title: string, consented: Breakdown, declined: Breakdown, unit: 'FGCs' | 'children', note: string): InsightTable {
  const declinedBy = new Map(declined.rows.map((r) => [r.code, r.count]));
  const codes = [...consented.rows.map((r) => ({ code: r.code, label: r.label }))];
  for (const r of declined.rows) if (!codes.some((c) => c.code === r.code)) codes.push({ code: r.code, label: r.label });
  const consentedBy = new Map(consented.rows.map((r) => [r.code, r.count]));
  const rows: TableRow[] = codes.map(({ code, label }) => {
    const c = consentedBy.get(code) ?? 0;
    const d = declinedBy.get(code) ?? 0;
    return { cells: { category: label, consented: c, declined: d, decisions: c + d, shareDeclined: share(d, c + d) } };
  });
  const c = consented.total;
  const d = declined.total;
  rows.push({ total: true, cells: { category: 'Total', consented: c, declined: d, decisions: c + d, shareDeclined: share(d, c + d) } });
  return {
    id,
    title,
    columns: [
      { key: 'category', header: 'Category', kind: 'label' },
      { key: 'consented', header: `${unit === 'FGCs' ? 'FGCs' : 'Children'} consented`, kind: 'count' },
      { key: 'declined', header: `${unit === 'FGCs' ? 'FGCs' : 'Children'} declined or no response`, kind: 'count' },
      { key: 'decisions', header: 'Decisions', kind: 'count' },
      { key: 'shareDeclined', header: 'Share not consented', kind: 'percent', basedOn: ['declined', 'decisions'] },
    ],
    rows,
    additive: unit === 'FGCs',
    rowParts: { parts: ['consented', 'declined'], total: 'decisions' },
    note,
  };
}

const tally = (codes: Iterable<string>) => {
  const m = new Map<string, number>();
  for (const c of codes) m.set(c, (m.get(c) ?? 0) + 1);
  return m;
};
const rowsToMap = (b: Breakdown) => new Map(b.rows.map((r) => [r.code, r.count]));

export interface RefusalFigures {
  ret: AnnualReturn;
  tables: InsightTable[];
  /** the tables for the chosen dimension */
  byTables: InsightTable[];
}

export function refusalFigures(data: CaseData, period: Range, by: RefusalDimension): RefusalFigures {
  // by stage offered reads no child characteristics
  const ret = countPeriod(data, period, data.referrals, { childBreakdowns: by !== 'stageOffered' });
  const byId = indexReferrals(data.referrals);
  const resolve = resolverFor(data);
  const declineReasons = ret.breakdowns['declined.fgcs.declineReason'];
  const notHeldReasons = ret.breakdowns['didNotTakePlace.fgcs.notHeldReason'];
  const tables = [
    reasonsTable('decline-reasons', 'Reasons consent was not given (declined or no response)', declineReasons, byId, resolve,
      'FGCs whose parents or carers declined, or did not respond, with the decision dated in the period.'),
    reasonsTable('not-held-reasons', 'Reasons FGCs did not take place', notHeldReasons, byId, resolve,
      'FGCs closed in the period without an initial conference. Declines count here under "Consent not given".'),
  ];

  const byTables: InsightTable[] = [];
  if (by === 'stageOffered') {
    const stageOf = (id: number) => codeOf(byId.get(id)?.stage_offered);
    const stageCount = (ids: number[]) => tally(ids.map(stageOf));
    byTables.push(
      decisionsTable('by-decisions', 'Consent decisions by stage offered (FGCs)', ret.breakdowns['consented.fgcs.stageOffered'],
        ret.breakdowns['declined.fgcs.stageOffered'], 'FGCs', 'Consent decisions dated in the period.'),
      reasonsByCategory('by-decline-reasons', 'Reasons consent was not given, by stage offered (FGCs)', declineReasons,
        ret.breakdowns['declined.fgcs.stageOffered'], 'FGCs', stageCount, rowsToMap(ret.breakdowns['declined.fgcs.stageOffered']),
        'FGCs declined or with no response, decision dated in the period.'),
    );
    const notHeldStages = stageCount(ret.populations.didNotTakePlace.fgcIds);
    const stageRows = ret.breakdowns['referred.fgcs.stageOffered'];
    const notHeldByStage: Breakdown = { ...stageRows, rows: stageRows.rows.map((r) => ({ ...r, count: notHeldStages.get(r.code) ?? 0, ids: [] })) };
    for (const [code, count] of notHeldStages) if (!notHeldByStage.rows.some((r) => r.code === code)) notHeldByStage.rows.push({ code, label: `${code} (code not in list)`, count, ids: [] });
    byTables.push(reasonsByCategory('by-not-held-reasons', 'Reasons FGCs did not take place, by stage offered (FGCs)', notHeldReasons, notHeldByStage,
      'FGCs', stageCount, notHeldStages, 'FGCs closed in the period without an initial conference.'));
  } else {
    const dim: ChildDimension = by;
    const label = REFUSAL_DIMENSIONS.find((d) => d.key === by)!.label;
    const key = `referred.children.${dim}`;
    // The children of a set of referrals, each once, with the characteristics of the earliest of them.
    const profile = (ids: number[]) => countPeriod(data, ALL_TIME, pick(byId, ids)).breakdowns[key];
    const declinedProfile = profile(ret.populations.declined.fgcIds);
    const notHeldProfile = profile(ret.populations.didNotTakePlace.fgcIds);
    byTables.push(
      decisionsTable('by-decisions', `Consent decisions by ${label} (children)`, ret.breakdowns[`consented.children.${dim}`], declinedProfile, 'children',
        'Children in FGCs with the consent decision dated in the period; a child counts once in each column, with the details from their earliest referral in it.'),
      reasonsByCategory('by-decline-reasons', `Reasons consent was not given, by ${label} (children)`, declineReasons, declinedProfile, 'children',
        (ids) => rowsToMap(profile(ids)), rowsToMap(declinedProfile),
        'Children in FGCs declined or with no response in the period. A child in two such FGCs with different reasons is under both reasons, and once in the last row.'),
      reasonsByCategory('by-not-held-reasons', `Reasons FGCs did not take place, by ${label} (children)`, notHeldReasons, notHeldProfile, 'children',
        (ids) => rowsToMap(profile(ids)), rowsToMap(notHeldProfile),
        'Children in FGCs closed in the period without an initial conference.'),
    );
  }
  return { ret, tables, byTables };
}
