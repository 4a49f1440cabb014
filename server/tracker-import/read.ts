import { detectFormat, readRows, type FileFormat } from '../interchange/read.js';
import { pacer } from '../common/next-turn.js';
import type { ReadOptions } from '../uploads/limits.js';
import { readXlsxSheet, type CellRange } from '../uploads/xlsx.js';

// Reads a tracker spreadsheet (CSV, or the first sheet of an .xlsx workbook) into rows of
// text by sheet position, plus the workbook's merged cells, within the limits of
// uploads/limits.ts. A merged range's value is copied into every cell of the range, so a
// group heading merged across three columns heads all three, and a family reference merged
// down two children's rows is on both.

export { InterchangeReadError as TrackerReadError } from '../interchange/read.js';

export type { CellRange } from '../uploads/xlsx.js';
export { parseRange } from '../uploads/xlsx.js';

export interface TrackerSheet {
  format: FileFormat;
  /** rows[i] is sheet row i + 1; a blank row is [] */
  rows: string[][];
  /** merged ranges (xlsx only), 1-based, inclusive */
  merges: CellRange[];
}

export interface ReadProgress {
  rowsRead: number;
}

const PROGRESS_EVERY = 2000;

/**
 * The whole sheet. Lets other requests in every few milliseconds, so they are served while
 * a large file is read, and reports how many rows it has read every few thousand.
 */
export async function readTracker(content: Buffer, filename = '', onProgress?: (p: ReadProgress) => void | Promise<void>, o: ReadOptions = {}): Promise<TrackerSheet> {
  const format = detectFormat(content, filename);
  const pace = pacer();
  const xlsx = format === 'xlsx' ? await readXlsxSheet(content, o) : null;
  const rows: string[][] = [];
  let n = 0;
  for await (const { row, cells } of xlsx ? xlsx.rows : readRows(content, filename, o)) {
    while (rows.length < row - 1) rows.push([]);
    for (let i = 0; i < cells.length; i++) if (cells[i].includes('\u00a0')) cells[i] = cells[i].replace(/\u00a0/g, ' ');
    rows[row - 1] = cells;
    if (++n % PROGRESS_EVERY === 0) await onProgress?.({ rowsRead: rows.length });
    await pace.maybe();
  }
  await onProgress?.({ rowsRead: rows.length });
  const merges = xlsx?.merges ?? [];
  fillMerges(rows, merges);
  return { format, rows, merges };
}

/** Copies each merged range's top-left value into the range's other cells. */
export function fillMerges(rows: string[][], merges: CellRange[]): void {
  for (const m of merges) {
    // A merge spanning whole columns or thousands of rows is formatting, not data.
    if (m.bottom - m.top > 1000 || m.right - m.left > 200) continue;
    const value = rows[m.top - 1]?.[m.left - 1] ?? '';
    if (!value) continue;
    for (let r = m.top; r <= m.bottom; r++) {
      const cells = rows[r - 1];
      if (!cells) continue;
      for (let c = m.left; c <= m.right; c++) {
        while (cells.length < c) cells.push('');
        if (!cells[c - 1]) cells[c - 1] = value;
      }
    }
  }
}
