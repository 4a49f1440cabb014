import { columnLetters } from '../uploads/limits.js';
import type { CellRange } from './read.js';

// Finding the column headings of a tracker: they need not be on row 1 (title rows,
// notes and blank rows above), and may span two or three rows, a group heading merged
// across the sub-headings below it ("Attendance" over "Parents | Maternal | Paternal").
// Each column's name is its headings top to bottom ("Attendance Parents"), a heading
// merged down over several rows counting once.

export interface TrackerColumn {
  /** 0-based position in the sheet */
  index: number;
  /** as shown to the user and keyed in a saved mapping */
  name: string;
}

export interface TrackerHeader {
  /** the last (lowest) heading row, 1-based; data starts below it */
  row: number;
  /** how many rows the headings take (1 to 3), ending at `row` */
  depth: number;
  columns: TrackerColumn[];
}

export interface HeaderCandidate {
  header: TrackerHeader;
  /** false when the headings were a guess the user should confirm */
  confident: boolean;
}

/** Rows searched for the headings. */
export const HEADER_SCAN_ROWS = 30;
const MAX_DEPTH = 3;

/** Heading text as shown: single spaces, no line breaks, no trailing ':' or '*'. */
export function cleanHeading(s: string): string {
  return s.replace(/\s+/g, ' ').trim().replace(/\s*[:*]+$/, '').trim();
}

export const headingKey = (s: string) => cleanHeading(s).toLowerCase();

/** A 0-based column index as its letters: 0 → A. */
export const columnLetter = (index: number): string => columnLetters(index + 1);

const isBlank = (cells: string[] | undefined) => !cells || cells.every((c) => !c || !c.trim());
const LOOKS_LIKE_DATA = /^(\d+([.,]\d+)?|\d{1,4}[-/.]\d{1,2}[-/.]\d{1,4}.*|[yn]|yes|no|true|false)$/i;

/**
 * The columns named by heading rows `row - depth + 1` .. `row`: each column's headings top
 * to bottom. (A workbook's merged group heading is already copied into each column it
 * spans; a CSV has no merges, so an upper heading row names only its own columns.) Columns
 * with no heading but with data (`width` columns wide in all) are named by their letter.
 */
export function columnsAt(rows: string[][], row: number, depth: number, opts: { width?: number } = {}): TrackerColumn[] {
  const band: string[][] = [];
  for (let r = row - depth + 1; r <= row; r++) band.push((rows[r - 1] ?? []).map((c) => cleanHeading(c ?? '')));
  const width = Math.max(opts.width ?? 0, ...band.map((b) => b.length));
  const columns: TrackerColumn[] = [];
  const seen = new Map<string, number>();
  for (let c = 0; c < width; c++) {
    const parts: string[] = [];
    for (const b of band) {
      const t = b[c] ?? '';
      if (t && parts[parts.length - 1]?.toLowerCase() !== t.toLowerCase()) parts.push(t);
    }
    let name = parts.join(' ');
    if (!name) name = `Column ${columnLetter(c)}`;
    const key = name.toLowerCase();
    const n = (seen.get(key) ?? 0) + 1;
    seen.set(key, n);
    if (n > 1) name = `${name} (${n})`;
    columns.push({ index: c, name });
  }
  return columns.filter((col, i) => !col.name.startsWith('Column ') || band.some((b) => b[i]) || (opts.width ?? 0) > i);
}

/** The widest row of data below the headings (columns with a value somewhere). */
export function dataWidth(rows: string[][], headerRow: number): number {
  let width = 0;
  for (let r = headerRow; r < rows.length; r++) {
    const cells = rows[r];
    for (let c = cells.length - 1; c >= width; c--) {
      if (cells[c] && cells[c].trim()) {
        width = c + 1;
        break;
      }
    }
  }
  return width;
}

/**
 * How much a row looks like a heading row: its distinct text cells (not numbers, dates or
 * yes/no), and how many of its cells have anything.
 */
function headingTexts(cells: string[]): { texts: string[]; distinct: number; filled: number } {
  let filled = 0;
  const texts: string[] = [];
  const distinct = new Set<string>();
  for (const c of cells) {
    const t = cleanHeading(c ?? '');
    if (!t) continue;
    filled += 1;
    if (LOOKS_LIKE_DATA.test(t) || t.length > 80) continue;
    texts.push(t);
    distinct.add(t.toLowerCase());
  }
  return { texts, distinct: distinct.size, filled };
}

/**
 * The rows above a heading row that hold group headings: in a workbook, a row with a cell
 * merged across two or more (but not nearly all) of the heading row's columns.
 */
function groupDepth(rows: string[][], row: number, merges: CellRange[]): number {
  const headingCols = (rows[row - 1] ?? []).map((c, i) => (c && c.trim() ? i + 1 : 0)).filter(Boolean);
  if (!headingCols.length) return 1;
  const first = headingCols[0];
  const last = headingCols[headingCols.length - 1];
  let depth = 1;
  for (let r = row - 1; r >= 1 && depth < MAX_DEPTH; r--) {
    if (isBlank(rows[r - 1])) break;
    const group = merges.some((m) => m.top <= r && m.bottom >= r && m.bottom < row + 0 && m.right > m.left
      && m.left >= first - 1 && m.right <= last + 1 && (m.right - m.left + 1) < 0.8 * (last - first + 1));
    const mergedDown = merges.some((m) => m.top <= r && m.bottom >= row && m.bottom - m.top < MAX_DEPTH);
    if (!group && !mergedDown) break;
    depth += 1;
  }
  return depth;
}

/**
 * Finds the headings: the row among the first 30 with the most distinct text cells (known
 * headings counting extra), with any group-heading rows above it. `known` says whether a
 * heading is one a mapping or the suggestions recognise.
 */
export function detectHeader(rows: string[][], merges: CellRange[], known: (heading: string) => boolean = () => false): HeaderCandidate | null {
  let best: { row: number; score: number; text: number; hits: number } | null = null;
  const limit = Math.min(rows.length, HEADER_SCAN_ROWS);
  // Whether a heading is known is asked once per distinct text, and only of rows that could be headings.
  const knownText = new Map<string, boolean>();
  const isKnown = (t: string) => {
    let k = knownText.get(t);
    if (k === undefined) knownText.set(t, (k = known(t)));
    return k;
  };
  for (let r = 1; r <= limit; r++) {
    const cells = rows[r - 1];
    if (isBlank(cells)) continue;
    const { texts, distinct, filled } = headingTexts(cells);
    if (distinct < 2 || distinct < 0.6 * filled) continue;
    let hits = 0;
    for (const t of texts) if (isKnown(t)) hits += 1;
    const score = distinct + 2 * hits;
    if (!best || score > best.score) best = { row: r, score, text: distinct, hits };
  }
  if (!best) return null;
  const depth = groupDepth(rows, best.row, merges);
  const width = dataWidth(rows, best.row);
  const header = { row: best.row, depth, columns: columnsAt(rows, best.row, depth, { width }) };
  return { header, confident: best.text >= 3 && (best.hits >= 2 || best.text >= 5) };
}

/** The headings at a row the user chose (or a mapping remembers). */
export function headerAt(rows: string[][], merges: CellRange[], row: number, depth?: number): TrackerHeader {
  const d = Math.max(1, Math.min(depth ?? groupDepth(rows, row, merges), row, MAX_DEPTH));
  return { row, depth: d, columns: columnsAt(rows, row, d, { width: dataWidth(rows, row) }) };
}

/**
 * The heading rows that best match a saved mapping's column names, searching the first
 * rows with one to three heading rows: the one naming most of the mapping's columns.
 */
export function headerForMapping(rows: string[][], merges: CellRange[], names: Set<string>): { header: TrackerHeader; matched: number } | null {
  let best: { header: TrackerHeader; matched: number } | null = null;
  const limit = Math.min(rows.length, HEADER_SCAN_ROWS);
  for (let r = 1; r <= limit; r++) {
    if (isBlank(rows[r - 1])) continue;
    for (let d = 1; d <= Math.min(MAX_DEPTH, r); d++) {
      if (d > 1 && isBlank(rows[r - d])) break;
      const columns = columnsAt(rows, r, d);
      const matched = columns.filter((c) => names.has(c.name.toLowerCase())).length;
      if (matched && (!best || matched > best.matched)) best = { header: { row: r, depth: d, columns }, matched };
    }
  }
  if (best) best.header.columns = columnsAt(rows, best.header.row, best.header.depth, { width: dataWidth(rows, best.header.row) });
  return best;
}
