// Equity of access: for each characteristic, the share of children referred, consented and
// conferenced in each category, against a comparison population the data lead uploads.
// Representation index = share of our children in the category / share of the comparison
// population in it: 1 means in proportion, above 1 over-represented, below 1 under-represented.
import type { AnnualReturn, ChildDimension } from '../annual-return/counting.js';
import { NR } from '../annual-return/breakdowns.js';
import type { ComparisonRow } from './comparison.js';
import { share, type InsightTable, type TableRow } from './tables.js';

/** Below this many children (or people in the comparison population), an index means little. */
export const SMALL_NUMBER = 10;

export const EQUITY_DIMENSIONS: { key: ChildDimension; characteristic: string; label: string }[] = [
  { key: 'ethnicityGroup', characteristic: 'ethnicity_group', label: 'Ethnicity (major group)' },
  { key: 'sex', characteristic: 'sex', label: 'Sex' },
  { key: 'ageBand', characteristic: 'age_band', label: 'Age band' },
  { key: 'disability', characteristic: 'disability', label: 'Disability' },
  { key: 'legalStatus', characteristic: 'legal_status', label: 'Legal status at referral' },
  { key: 'ethnicity', characteristic: 'ethnicity', label: 'Ethnicity (detailed)' },
];

const POPULATIONS = [
  { key: 'referred', label: 'Referred' },
  { key: 'consented', label: 'Consented' },
  { key: 'tookPlace', label: 'Conferenced' },
] as const;

export interface EquityRow {
  code: string;
  label: string;
  counts: Record<'referred' | 'consented' | 'tookPlace', number>;
  /** share among children in categories that can be compared (null for Not recorded, or categories the comparison lacks) */
  shares: Record<'referred' | 'consented' | 'tookPlace', number | null>;
  comparisonCount: number | null;
  comparisonShare: number | null;
  index: Record<'referred' | 'consented' | 'tookPlace', number | null>;
  /** which figures rest on fewer than SMALL_NUMBER people */
  small: ('referred' | 'consented' | 'tookPlace' | 'comparison')[];
}

export interface EquityDimension {
  key: ChildDimension;
  label: string;
  rows: EquityRow[];
  /** the comparison population has figures for this characteristic */
  compared: boolean;
  /** categories our children are in that the comparison population does not have */
  notCompared: string[];
}

/**
 * One characteristic. Shares leave out "Not recorded", and, when there is a comparison, any
 * category the comparison population lacks, so like is compared with like.
 */
export function equityDimension(ret: AnnualReturn, dim: (typeof EQUITY_DIMENSIONS)[number], comparison: ComparisonRow[] | null): EquityDimension {
  const breakdowns = POPULATIONS.map((p) => ret.breakdowns[`${p.key}.children.${dim.key}`]);
  const theirs = new Map<string, number>();
  for (const r of comparison ?? []) if (r.characteristic === dim.characteristic) theirs.set(r.category_code, r.count);
  const compared = theirs.size > 0;
  const comparable = (code: string) => code !== NR && (!compared || theirs.has(code));
  const theirTotal = [...theirs.values()].reduce((a, b) => a + b, 0);

  const codes = breakdowns[0].rows.map((r) => ({ code: r.code, label: r.label }));
  for (const code of theirs.keys()) if (!codes.some((c) => c.code === code)) codes.splice(codes.length - 1, 0, { code, label: code });
  const ourTotals = breakdowns.map((b) => b.rows.filter((r) => comparable(r.code)).reduce((a, r) => a + r.count, 0));

  const rows = codes.map(({ code, label }): EquityRow => {
    const counts = { referred: 0, consented: 0, tookPlace: 0 };
    const shares = { referred: null, consented: null, tookPlace: null } as EquityRow['shares'];
    const index = { referred: null, consented: null, tookPlace: null } as EquityRow['index'];
    const comparisonCount = compared ? theirs.get(code) ?? null : null;
    const comparisonShare = comparisonCount !== null ? share(comparisonCount, theirTotal) : null;
    const small: EquityRow['small'] = [];
    POPULATIONS.forEach((p, i) => {
      const c = breakdowns[i].rows.find((r) => r.code === code)?.count ?? 0;
      counts[p.key] = c;
      if (!comparable(code)) return;
      shares[p.key] = share(c, ourTotals[i]);
      if (comparisonShare && shares[p.key] !== null) index[p.key] = shares[p.key]! / comparisonShare;
      if (c < SMALL_NUMBER) small.push(p.key);
    });
    if (comparisonCount !== null && comparisonCount < SMALL_NUMBER) small.push('comparison');
    return { code, label, counts, shares, comparisonCount, comparisonShare, index, small };
  });
  const notCompared = compared ? rows.filter((r) => r.code !== NR && !theirs.has(r.code) && POPULATIONS.some((p) => r.counts[p.key] > 0)).map((r) => r.label) : [];
  return { key: dim.key, label: dim.label, rows, compared, notCompared };
}

export function equityFigures(ret: AnnualReturn, comparison: ComparisonRow[] | null): EquityDimension[] {
  return EQUITY_DIMENSIONS.map((d) => equityDimension(ret, d, comparison));
}

export const smallWarning = (r: EquityRow) =>
  r.small.length ? `Fewer than ${SMALL_NUMBER} ${r.small.map((s) => (s === 'comparison' ? 'in the comparison population' : s === 'tookPlace' ? 'conferenced' : s)).join(', ')}` : undefined;

export function equityTable(d: EquityDimension): InsightTable {
  const columns: InsightTable['columns'] = [{ key: 'category', header: d.label, kind: 'label' }];
  if (d.compared) {
    columns.push({ key: 'comparison', header: 'Comparison population', kind: 'number' }, { key: 'comparisonShare', header: 'Comparison share', kind: 'percent' });
  }
  for (const p of POPULATIONS) {
    columns.push({ key: p.key, header: `${p.label} children`, kind: 'count' }, { key: `${p.key}Share`, header: `${p.label} share`, kind: 'percent', basedOn: [p.key] });
    if (d.compared) columns.push({ key: `${p.key}Index`, header: `${p.label} index`, kind: 'ratio', basedOn: [p.key] });
  }
  const rows: TableRow[] = d.rows.map((r) => {
    const cells: TableRow['cells'] = { category: r.label };
    if (d.compared) {
      cells.comparison = r.comparisonCount;
      cells.comparisonShare = r.comparisonShare;
    }
    for (const p of POPULATIONS) {
      cells[p.key] = r.counts[p.key];
      cells[`${p.key}Share`] = r.shares[p.key];
      if (d.compared) cells[`${p.key}Index`] = r.index[p.key];
    }
    return { cells, warning: d.compared ? smallWarning(r) : undefined };
  });
  const totals: TableRow['cells'] = { category: 'Total' };
  if (d.compared) {
    totals.comparison = d.rows.reduce((a, r) => a + (r.comparisonCount ?? 0), 0);
    totals.comparisonShare = null;
  }
  for (const p of POPULATIONS) {
    totals[p.key] = d.rows.reduce((a, r) => a + r.counts[p.key], 0);
    totals[`${p.key}Share`] = null;
    if (d.compared) totals[`${p.key}Index`] = null;
  }
  rows.push({ total: true, cells: totals });
  return {
    id: `equity-${d.key}`,
    title: `Children referred, consented and conferenced, by ${d.label.toLowerCase()}`,
    columns,
    rows,
    additive: true,
    note: d.compared
      ? 'Shares leave out children with the characteristic not recorded, and categories the comparison population does not have. Index = our share / the comparison share.'
      : 'Shares leave out children with the characteristic not recorded. The comparison population has no figures for this characteristic.',
  };
}
