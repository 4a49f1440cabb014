import { isUtf8 } from 'node:buffer';
import { once } from 'node:events';
import { pacer } from '../common/next-turn.js';
import { CsvError, parse } from 'csv-parse';
import { beyond, limitsOf, rowCounter, throwIfAbandoned, UnreadableFile, UploadAbandoned, type ReadOptions } from '../uploads/limits.js';
import { readXlsxSheet } from '../uploads/xlsx.js';

// Reads an interchange file, CSV (RFC 4180, UTF-8, BOM tolerated) or .xlsx (the first
// sheet not hidden), into a header and rows of strings, within the limits of
// uploads/limits.ts, checked as it streams. Rows keep their position, blank ones included,
// so row numbers are the ones the user sees (header = row 1, first data row = row 2).

export interface InterchangeTable {
  header: string[];
  /** rows[i] is row i + 2 of the sheet; a blank row is [] */
  rows: string[][];
}

/** The file could not be read at all (not a spreadsheet, not UTF-8, broken quoting, beyond a limit). */
export { UnreadableFile as InterchangeReadError };

export type FileFormat = 'csv' | 'xlsx';

export function detectFormat(content: Buffer, filename = ''): FileFormat {
  if (content.length >= 4 && content.readUInt32BE(0) === 0x504b0304) return 'xlsx'; // a zip: Office Open XML
  if (content.length >= 4 && content.readUInt32BE(0) === 0xd0cf11e0) {
    throw new UnreadableFile('The file is an old-style Excel workbook (.xls) or is password protected. Save it as an Excel workbook (.xlsx) or as CSV UTF-8 and try again');
  }
  if (/\.xlsx$/i.test(filename)) throw new UnreadableFile('The file is not a valid Excel workbook. Save it as .xlsx or as CSV UTF-8 and try again');
  return 'csv';
}

/** Rows one at a time, header first, as arrays of strings. */
export async function* readRows(input: Buffer | string, filename = '', o: ReadOptions = {}): AsyncGenerator<{ row: number; cells: string[] }> {
  const content = typeof input === 'string' ? Buffer.from(input, 'utf8') : input;
  if (detectFormat(content, filename) === 'xlsx') yield* (await readXlsxSheet(content, o)).rows;
  else yield* csvRows(content, o);
}

/** The file is empty, or its first row (the header) is blank. */
const emptyFile = () => new UnreadableFile('The file is empty. The first row must be the header, naming the columns', 1);

/**
 * The header, then the data rows as they are read (blank ones included, though an xlsx
 * file may leave some out), without holding the whole file's rows.
 */
export async function* readHeaderAndRows(input: Buffer | string, filename = '', o: ReadOptions = {}): AsyncGenerator<{ header: string[] } | { row: number; cells: string[] }> {
  let first = true;
  for await (const r of readRows(input, filename, o)) {
    if (first) {
      if (r.row !== 1 || r.cells.every((h) => !h.trim())) throw emptyFile();
      first = false;
      yield { header: r.cells };
    } else yield r;
  }
  if (first) throw emptyFile();
}

export async function readInterchange(input: Buffer | string, filename = '', o: ReadOptions = {}): Promise<InterchangeTable> {
  let header: string[] = [];
  const rows: string[][] = [];
  for await (const r of readHeaderAndRows(input, filename, o)) {
    if ('header' in r) {
      header = r.header;
      continue;
    }
    while (rows.length < r.row - 2) rows.push([]); // rows an xlsx file leaves out are blank
    rows.push(r.cells);
  }
  return { header, rows };
}

/** Bytes of a CSV file given to the parser at a time: a few dozen rows, or part of one very wide row. */
const CSV_SLICE_BYTES = 16 * 1024;

/** Gives the parser the file a slice at a time (views, not copies), letting other requests in between. */
async function feed(parser: ReturnType<typeof parse>, content: Buffer, signal?: AbortSignal): Promise<void> {
  const pace = pacer();
  for (let i = 0; i < content.length && !parser.destroyed; i += CSV_SLICE_BYTES) {
    if (signal?.aborted) return void parser.destroy(new UploadAbandoned());
    if (!parser.write(content.subarray(i, i + CSV_SLICE_BYTES))) await once(parser, 'drain');
    await pace.maybe();
  }
  if (!parser.destroyed) parser.end();
}

async function* csvRows(content: Buffer, o: ReadOptions): AsyncGenerator<{ row: number; cells: string[] }> {
  // Checked whole, then parsed from the bytes: no copy of the file as one string.
  if (!isUtf8(content)) throw new UnreadableFile('The file is not in UTF-8. In Excel, save it as "CSV UTF-8 (Comma delimited)" and try again');
  const limits = limitsOf(o);
  const count = rowCounter(limits);
  // Fed in slices: given the whole file at once the parser would read every row of it in one
  // go, holding up every other request for a second or two. A row longer than its cells could
  // be (an unclosed quote running on) stops the parser at once.
  const parser = parse({ bom: true, relax_column_count: true, skip_empty_lines: false, max_record_size: limits.recordChars });
  feed(parser, content, o.signal).catch(() => undefined); // a failure reaches the parser's reader
  let row = 0;
  try {
    for await (const record of parser as AsyncIterable<string[]>) {
      row += 1;
      let end = record.length;
      while (end > 0 && record[end - 1] === '') end--;
      const cells = end === record.length ? record : record.slice(0, end);
      count(row, cells);
      throwIfAbandoned(o.signal);
      yield { row, cells };
    }
  } catch (e) {
    if (e instanceof UnreadableFile || e instanceof UploadAbandoned) throw e;
    if (e instanceof CsvError && e.code === 'CSV_MAX_RECORD_SIZE') throw beyond.recordChars(row + 1, limits.recordChars);
    throw new UnreadableFile(`The file is not valid CSV near row ${row + 1}: ${(e instanceof Error ? e.message : String(e)).replace(/^Invalid .*?:\s*/, '')}`, row + 1);
  } finally {
    parser.destroy();
  }
}
