import { InterchangeReadError, detectFormat, readRows, type FileFormat } from '../interchange/read.js';
import { collectMerges, entryStream, readXlsxFast, zipEntries, type CellRange } from '../interchange/xlsx.js';
import { pacer } from '../common/next-turn.js';

// Reads a tracker spreadsheet (CSV, or the first sheet of an .xlsx workbook) into rows of
// text by sheet position, plus the workbook's merged cells. A merged range's value is
// copied into every cell of the range, so a group heading merged across three columns
// heads all three, and a family reference merged down two children's rows is on both.

export { InterchangeReadError as TrackerReadError } from '../interchange/read.js';

export type { CellRange } from '../interchange/xlsx.js';
export { parseRange } from '../interchange/xlsx.js';

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
export async function readTracker(content: Buffer, filename = '', onProgress?: (p: ReadProgress) => void | Promise<void>): Promise<TrackerSheet> {
  const format = detectFormat(content, filename);
  const pace = pacer();
  if (format === 'xlsx') {
    // The lean reader first; the general one for anything it does not handle.
    let fast = null;
    try {
      fast = await readXlsxFast(content, async (rowsRead) => {
        await onProgress?.({ rowsRead });
        await pace.maybe();
      });
    } catch {
      fast = null;
    }
    if (fast) {
      for (const cells of fast.rows) {
        for (let i = 0; i < cells.length; i++) if (cells[i].includes('\u00a0')) cells[i] = cells[i].replace(/\u00a0/g, ' ');
        if (pace.due()) await pace.pause();
      }
      fillMerges(fast.rows, fast.merges);
      return { format, rows: fast.rows, merges: fast.merges };
    }
  }
  const rows: string[][] = [];
  let n = 0;
  for await (const { row, cells } of readRows(content, filename)) {
    while (rows.length < row - 1) rows.push([]);
    rows.push(cells.map((c) => c.replace(/\u00a0/g, ' ')));
    if (++n % PROGRESS_EVERY === 0) await onProgress?.({ rowsRead: rows.length });
    if (pace.due()) await pace.pause();
  }
  await onProgress?.({ rowsRead: rows.length });
  const merges = format === 'xlsx' ? await readMerges(content) : [];
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

// ---- merged cells, for workbooks the lean reader leaves to the general one -------------

/**
 * The merged ranges of the sheet the interchange reader reads (the first worksheet in the
 * zip). The streaming reader skips <mergeCells>, which follows the sheet's data, so the
 * sheet's XML is inflated once more as a stream and only the merge tags are kept.
 */
export async function readMerges(content: Buffer): Promise<CellRange[]> {
  const sheet = zipEntries(content).find((e) => /^xl\/worksheets\/sheet\d+\.xml$/.test(e.name));
  const stream = sheet ? entryStream(content, sheet) : null;
  if (!stream) return [];
  const merges: CellRange[] = [];
  let carry = '';
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      const text = carry + chunk.toString('latin1');
      const last = collectMerges(text, merges);
      // Keep an unfinished tag for the next chunk.
      const open = text.lastIndexOf('<');
      carry = open >= last && text.length - open < 200 ? text.slice(open) : '';
    }
  } catch {
    return merges; // the rows were read; a damaged tail loses only the merges
  }
  return merges;
}
