// Every figure on an insight page is a table in this shape: the page shows it, the chart beside
// it draws from it, and the downloads write it (CSV / xlsx, optionally suppressed for publication).
import type { Column as ExportColumn } from '../common/tabular-export.js';

export type Cell = string | number | null;

export type ColumnKind =
  /** row label */
  | 'label'
  /** a count of FGCs or children: suppressed for publication when 1 to 4 */
  | 'count'
  /** a proportion 0..1, shown as a percentage */
  | 'percent'
  /** a ratio such as a representation index */
  | 'ratio'
  /** a number of days (medians, percentiles) */
  | 'days'
  /** any other number, never suppressed (for example a comparison population's count) */
  | 'number'
  | 'text';

export interface TableColumn {
  key: string;
  header: string;
  kind: ColumnKind;
  /** count columns this figure is worked out from: suppressed for publication along with them */
  basedOn?: string[];
}

export interface TableRow {
  cells: Record<string, Cell>;
  /** a totals row (shown bold; not a part for secondary suppression) */
  total?: boolean;
  /** a warning shown beside the row, such as small numbers */
  warning?: string;
  /** a period not over yet (the current month): in the table, left out of trend lines */
  partial?: boolean;
}

export interface InsightTable {
  /** unique on its page; names the table in download links */
  id: string;
  title: string;
  columns: TableColumn[];
  rows: TableRow[];
  /** body rows' counts add up, column by column, to the totals row (or to a total shown elsewhere) */
  additive?: boolean;
  /** count columns that add up, along each row, to another column */
  rowParts?: { parts: string[]; total: string };
  /** a sentence under the table explaining what is counted */
  note?: string;
}

export const SUPPRESSED = '[c]';

const round = (n: number, dp: number) => {
  const f = 10 ** dp;
  return Math.round(n * f) / f;
};

/** On-screen text for a cell (never suppressed on screen). */
export function formatCell(value: Cell, kind: ColumnKind): string {
  if (value === null || value === undefined || value === '') return kind === 'label' || kind === 'text' ? '' : '–';
  if (typeof value === 'string') return value;
  switch (kind) {
    case 'percent':
      return `${round(value * 100, 1).toLocaleString('en-GB', { maximumFractionDigits: 1 })}%`;
    case 'ratio':
      return round(value, 2).toLocaleString('en-GB', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
    case 'days':
      return round(value, 1).toLocaleString('en-GB', { maximumFractionDigits: 1 });
    default:
      return value.toLocaleString('en-GB');
  }
}

/** Value for a download: numbers stay numbers (percentages as 0-100, one decimal place). */
export function exportCell(value: Cell, kind: ColumnKind): string | number | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string') return value;
  if (kind === 'percent') return round(value * 100, 1);
  if (kind === 'ratio') return round(value, 2);
  if (kind === 'days') return round(value, 1);
  return value;
}

export const isNumeric = (kind: ColumnKind) => kind !== 'label' && kind !== 'text';

/** Columns for toCsv / toXlsx. */
export function exportColumns(table: InsightTable): ExportColumn<TableRow>[] {
  return table.columns.map((c) => ({
    header: c.kind === 'percent' ? `${c.header} (%)` : c.header,
    value: (row: TableRow) => exportCell(row.cells[c.key] ?? null, c.kind),
  }));
}

/** Share of a whole; null when there is nothing to share. */
export const share = (part: number, whole: number): number | null => (whole > 0 ? part / whole : null);

/** A count of 1 to 4: hidden in a download for publication. */
export const isSmall = (v: Cell) => typeof v === 'number' && v >= 1 && v <= 4;
