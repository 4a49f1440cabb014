import { describe, expect, it } from 'vitest';
import { suppressForPublication } from './suppression.js';
import { SUPPRESSED, type InsightTable } from './tables.js';

const table = (rows: Record<string, number | string | null>[], extra: Partial<InsightTable> = {}): InsightTable => ({
  id: 't', title: 'T',
  columns: [
    { key: 'label', header: 'Label', kind: 'label' },
    { key: 'n', header: 'N', kind: 'count' },
    { key: 'share', header: 'Share', kind: 'percent', basedOn: ['n'] },
    { key: 'comparison', header: 'Comparison', kind: 'number' },
  ],
  rows: rows.map((cells, i) => ({ cells, total: i === rows.length - 1 && cells.label === 'Total' })),
  ...extra,
});
const column = (t: InsightTable, key: string) => t.rows.map((r) => r.cells[key]);

describe('suppression for publication', () => {
  it('hides counts of 1 to 4 and what is worked out from them, never zeros or other numbers', () => {
    const t = suppressForPublication(table([
      { label: 'a', n: 0, share: 0, comparison: 3 },
      { label: 'b', n: 1, share: 0.1, comparison: 2 },
      { label: 'c', n: 4, share: 0.2, comparison: 1 },
      { label: 'd', n: 5, share: 0.7, comparison: 4 },
    ]));
    expect(column(t, 'n')).toEqual([0, SUPPRESSED, SUPPRESSED, 5]);
    expect(column(t, 'share')).toEqual([0, SUPPRESSED, SUPPRESSED, 0.7]);
    expect(column(t, 'comparison')).toEqual([3, 2, 1, 4]);
  });

  it('hides a second count where one hidden count could be worked out from the total', () => {
    const rows = [
      { label: 'a', n: 3, share: 0.1, comparison: null },
      { label: 'b', n: 12, share: 0.4, comparison: null },
      { label: 'c', n: 15, share: 0.5, comparison: null },
      { label: 'Total', n: 30, share: 1, comparison: null },
    ];
    expect(column(suppressForPublication(table(rows)), 'n')).toEqual([SUPPRESSED, 12, 15, 30]); // not additive: nothing more
    expect(column(suppressForPublication(table(rows, { additive: true })), 'n')).toEqual([SUPPRESSED, SUPPRESSED, 15, 30]);
  });

  it('works both ways in a cross-table until nothing can be worked out', () => {
    const t: InsightTable = {
      id: 'x', title: 'X', additive: true, rowParts: { parts: ['p', 'q'], total: 'total' },
      columns: [{ key: 'label', header: 'L', kind: 'label' }, { key: 'p', header: 'P', kind: 'count' }, { key: 'q', header: 'Q', kind: 'count' }, { key: 'total', header: 'Total', kind: 'count' }],
      rows: [
        { cells: { label: 'r1', p: 2, q: 10, total: 12 } },
        { cells: { label: 'r2', p: 20, q: 30, total: 50 } },
        { total: true, cells: { label: 'Total', p: 22, q: 40, total: 62 } },
      ],
    };
    const s = suppressForPublication(t);
    // r1.p is small; r1.q goes too (row), r2.p (column), then r2.q (row and column)
    expect(s.rows.map((r) => [r.cells.p, r.cells.q, r.cells.total])).toEqual([[SUPPRESSED, SUPPRESSED, 12], [SUPPRESSED, SUPPRESSED, 50], [22, 40, 62]]);
    // the original is untouched: pages are never suppressed
    expect(t.rows[0].cells.p).toBe(2);
  });
});
