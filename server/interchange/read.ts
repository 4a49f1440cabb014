import { isUtf8 } from 'node:buffer';
import { Readable } from 'node:stream';
import { parse } from 'csv-parse';
import ExcelJS from 'exceljs';
import { xlsxFastRows } from './xlsx.js';

// Reads an interchange file, CSV (RFC 4180, UTF-8, BOM tolerated) or .xlsx (the first
// sheet not hidden), into a header and rows of strings. Rows keep their position, blank ones included, so
// row numbers are the ones the user sees (header = row 1, first data row = row 2).

export interface InterchangeTable {
  header: string[];
  /** rows[i] is row i + 2 of the sheet; a blank row is [] */
  rows: string[][];
}

/** The file could not be read at all (not a spreadsheet, not UTF-8, broken quoting). */
export class InterchangeReadError extends Error {
  constructor(message: string, public row: number | null = null) {
    super(message);
  }
}

export type FileFormat = 'csv' | 'xlsx';

export function detectFormat(content: Buffer, filename = ''): FileFormat {
  if (content.length >= 4 && content.readUInt32BE(0) === 0x504b0304) return 'xlsx'; // a zip: Office Open XML
  if (content.length >= 4 && content.readUInt32BE(0) === 0xd0cf11e0) {
    throw new InterchangeReadError('The file is an old-style Excel workbook (.xls) or is password protected. Save it as an Excel workbook (.xlsx) or as CSV UTF-8 and try again');
  }
  if (/\.xlsx$/i.test(filename)) throw new InterchangeReadError('The file is not a valid Excel workbook. Save it as .xlsx or as CSV UTF-8 and try again');
  return 'csv';
}

/** Rows one at a time, header first, as arrays of strings. */
export async function* readRows(input: Buffer | string, filename = ''): AsyncGenerator<{ row: number; cells: string[] }> {
  const content = typeof input === 'string' ? Buffer.from(input, 'utf8') : input;
  if (detectFormat(content, filename) === 'xlsx') yield* xlsxRows(content);
  else yield* csvRows(content);
}

/** The file is empty, or its first row (the header) is blank. */
const emptyFile = () => new InterchangeReadError('The file is empty. The first row must be the header, naming the columns', 1);

/**
 * The header, then the data rows as they are read (blank ones included, though an xlsx
 * file may leave some out), without holding the whole file's rows.
 */
export async function* readHeaderAndRows(input: Buffer | string, filename = ''): AsyncGenerator<{ header: string[] } | { row: number; cells: string[] }> {
  let first = true;
  for await (const r of readRows(input, filename)) {
    if (first) {
      if (r.row !== 1 || r.cells.every((h) => !h.trim())) throw emptyFile();
      first = false;
      yield { header: r.cells };
    } else yield r;
  }
  if (first) throw emptyFile();
}

export async function readInterchange(input: Buffer | string, filename = ''): Promise<InterchangeTable> {
  let header: string[] = [];
  const rows: string[][] = [];
  for await (const r of readHeaderAndRows(input, filename)) {
    if ('header' in r) {
      header = r.header;
      continue;
    }
    while (rows.length < r.row - 2) rows.push([]); // rows an xlsx file leaves out are blank
    rows.push(r.cells);
  }
  return { header, rows };
}

/** Bytes of a CSV file given to the parser at a time: a few hundred rows. */
const CSV_SLICE_BYTES = 64 * 1024;

function* slices(content: Buffer, size: number): Generator<Buffer> {
  for (let i = 0; i < content.length; i += size) yield content.subarray(i, i + size);
}

async function* csvRows(content: Buffer): AsyncGenerator<{ row: number; cells: string[] }> {
  // Checked whole, then parsed from the bytes: no copy of the file as one string.
  if (!isUtf8(content)) throw new InterchangeReadError('The file is not in UTF-8. In Excel, save it as "CSV UTF-8 (Comma delimited)" and try again');
  // Fed in slices (views, not copies): given the whole file at once the parser would read
  // every row of it in one go, holding up every other request for a second or two.
  const parser = Readable.from(slices(content, CSV_SLICE_BYTES)).pipe(
    parse({ bom: true, relax_column_count: true, skip_empty_lines: false }),
  );
  let row = 0;
  try {
    for await (const record of parser as AsyncIterable<string[]>) {
      row += 1;
      yield { row, cells: record.length === 1 && record[0] === '' ? [] : record };
    }
  } catch (e: any) {
    throw new InterchangeReadError(`The file is not valid CSV near row ${row + 1}: ${String(e?.message ?? e).replace(/^Invalid .*?:\s*/, '')}`, row + 1);
  }
}

const unreadableWorkbook = () => new InterchangeReadError('The Excel workbook could not be read. Save it again as .xlsx, or as CSV UTF-8, and try again');

/** The first sheet: by the lean reader (xlsx.ts), or by ExcelJS when the workbook is laid out in a way that one does not handle. */
async function* xlsxRows(content: Buffer): AsyncGenerator<{ row: number; cells: string[] }> {
  let lean;
  try {
    lean = xlsxFastRows(content);
  } catch {
    lean = null;
  }
  if (!lean) {
    yield* generalXlsxRows(content);
    return;
  }
  try {
    yield* lean.rows;
  } catch {
    throw unreadableWorkbook();
  }
}

/** The first sheet by ExcelJS's streaming reader. */
export async function* generalXlsxRows(content: Buffer): AsyncGenerator<{ row: number; cells: string[] }> {
  const reader = new (ExcelJS as any).stream.xlsx.WorkbookReader(Readable.from([content]), {
    sharedStrings: 'cache',
    hyperlinks: 'cache',
    styles: 'cache', // needed to tell dates from numbers
    worksheets: 'emit',
    entries: 'emit',
  });
  try {
    for await (const sheet of reader) {
      for await (const r of sheet) {
        const values: unknown[] = Array.isArray(r.values) ? r.values : [];
        const cells: string[] = [];
        for (let i = 1; i < values.length; i++) cells.push(cellText(values[i]));
        while (cells.length && cells[cells.length - 1] === '') cells.pop();
        yield { row: r.number as number, cells };
      }
      return; // the first sheet only
    }
  } catch (e) {
    if (e instanceof InterchangeReadError) throw e;
    throw unreadableWorkbook();
  }
}

/** An Excel cell's value as the text a user would type for it. */
export function cellText(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : '';
  if (typeof v === 'boolean') return v ? 'Y' : 'N';
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? '' : v.toISOString().slice(0, 10); // exceljs gives dates at UTC midnight
  if (typeof v === 'object') {
    const o = v as Record<string, any>;
    if (Array.isArray(o.richText)) return o.richText.map((p: any) => String(p?.text ?? '')).join('');
    if ('result' in o) return cellText(o.result); // a formula: its last calculated value
    if ('formula' in o || 'sharedFormula' in o) return '';
    if ('text' in o) return cellText(o.text); // a hyperlink
    if ('error' in o) return String(o.error);
  }
  return String(v);
}
