// The chart for each insight figure, drawn from the same table the page shows.
import { barChart, lineChart, lowerFirst, type Series } from './charts.js';
import { formatCell, type InsightTable } from './tables.js';

const count = (v: number) => formatCell(v, 'count');
const percent = (v: number) => formatCell(v, 'percent');
const days = (v: number) => formatCell(v, 'days');

const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
const body = (t: InsightTable) => t.rows.filter((r) => !r.total);

function describe(categories: string[], series: Series[], format: (v: number) => string): string {
  return categories
    .map((c, i) => `${c}: ${series.map((s) => `${s.values[i] === null ? 'no figure' : format(s.values[i]!)}${series.length > 1 ? ` ${lowerFirst(s.name)}` : ''}`).join(', ')}`)
    .join('; ');
}

/** Bars for some columns of a table, one bar per body row. */
export function tableBars(t: InsightTable, columns: { key: string; name: string }[], kind: 'count' | 'percent', opts: { labelKey?: string; skipZero?: boolean; title?: string } = {}): string {
  const labelKey = opts.labelKey ?? t.columns[0].key;
  let rows = body(t);
  if (opts.skipZero) rows = rows.filter((r) => columns.some((c) => (num(r.cells[c.key]) ?? 0) !== 0));
  const categories = rows.map((r) => String(r.cells[labelKey] ?? ''));
  const series = columns.map((c) => ({ name: c.name, values: rows.map((r) => num(r.cells[c.key])) }));
  const format = kind === 'percent' ? percent : count;
  const title = opts.title ?? t.title;
  return barChart({
    id: `chart-${t.id}`,
    title,
    desc: `Bar chart. ${categories.length ? describe(categories, series, format) : 'No figures'}. The same figures are in the table.`,
    categories,
    series,
    format,
  });
}

/** A line per column of a table whose rows are months. */
export function tableLines(t: InsightTable, columns: { key: string; name: string }[], kind: 'count' | 'days', yLabel: string, title?: string, afterword?: string): string {
  const rows = body(t);
  const labels = rows.map((r) => String(r.cells[t.columns[0].key] ?? ''));
  const series = columns.map((c) => ({ name: c.name, values: rows.map((r) => num(r.cells[c.key])) }));
  const format = kind === 'days' ? days : count;
  return lineChart({
    id: `chart-${t.id}`,
    title: title ?? t.title,
    desc: `Line chart by month. ${describe(labels, series, format)}.${afterword ? ` ${afterword}` : ''} The same figures are in the table.`,
    labels: labels.map((l) => l.replace(/^(\w{3})\w* (\d{4})$/, '$1 $2')),
    series,
    format,
    yLabel,
  });
}
