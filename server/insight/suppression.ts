// Suppression for publication: a table downloaded "for publication" shows [c] instead of any
// count from 1 to 4. Pages and ordinary downloads are never suppressed.
//
// What is done, so a published total cannot give a hidden count away:
// 1. primary: every count of 1 to 4 becomes [c] (zeros are shown);
// 2. secondary: where the counts in a column add up to a total (tables marked additive), or the
//    counts along a row add up to another column (rowParts), and exactly one of them is hidden,
//    the next smallest count above zero in that column or row is hidden too; repeated until
//    nothing changes, so a hidden count cannot be found by subtraction in either direction;
// 3. derived figures (percentages, medians, indexes) worked out from a hidden count are hidden.
import { SUPPRESSED, isSmall, type Cell, type InsightTable, type TableRow } from './tables.js';

export function suppressForPublication(table: InsightTable): InsightTable {
  const countKeys = table.columns.filter((c) => c.kind === 'count').map((c) => c.key);
  const hidden = table.rows.map(() => new Set<string>());
  table.rows.forEach((row, i) => {
    for (const k of countKeys) if (isSmall(row.cells[k])) hidden[i].add(k);
  });

  /** In a group of cells (row index, column key) that add up to a shown total, hide a second one if only one is hidden. */
  const protect = (cells: [number, string][]): boolean => {
    const hiddenCount = cells.filter(([i, k]) => hidden[i].has(k)).length;
    if (hiddenCount !== 1) return false;
    let best: [number, string] | null = null;
    let bestValue = Infinity;
    for (const [i, k] of cells) {
      const v = table.rows[i].cells[k];
      if (hidden[i].has(k) || typeof v !== 'number' || v <= 0) continue;
      if (v < bestValue) {
        best = [i, k];
        bestValue = v;
      }
    }
    if (!best) return false;
    hidden[best[0]].add(best[1]);
    return true;
  };

  const body = table.rows.map((r, i) => ({ r, i })).filter(({ r }) => !r.total).map(({ i }) => i);
  for (let changed = true, guard = 0; changed && guard < 100; guard++) {
    changed = false;
    if (table.additive) {
      for (const k of countKeys) if (protect(body.map((i) => [i, k]))) changed = true;
    }
    if (table.rowParts) {
      const { parts } = table.rowParts;
      for (let i = 0; i < table.rows.length; i++) if (protect(parts.map((k) => [i, k]))) changed = true;
    }
  }

  const rows: TableRow[] = table.rows.map((row, i) => {
    const cells: Record<string, Cell> = { ...row.cells };
    for (const c of table.columns) {
      if (hidden[i].has(c.key)) cells[c.key] = SUPPRESSED;
      else if (c.basedOn?.some((k) => hidden[i].has(k))) cells[c.key] = SUPPRESSED;
    }
    return { ...row, cells, warning: undefined };
  });
  return { ...table, rows };
}
