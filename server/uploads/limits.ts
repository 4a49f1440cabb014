// What an uploaded spreadsheet (CSV or .xlsx) may hold, checked as it is read: a file
// beyond any of these is refused at once with a message naming the limit, before it can
// cost the server minutes or gigabytes. Every upload route reads through these (the
// interchange import, the tracker import, the comparison population).

export interface ReadLimits {
  /** rows, by row number: Excel's own limit */
  rows: number;
  /** columns, by the last one with a value */
  columns: number;
  /** cells with a value */
  cells: number;
  /** characters in one cell: Excel's own limit */
  cellChars: number;
  /** bytes of a workbook's parts once unzipped, all read parts together */
  inflatedBytes: number;
  /** how many times larger than its zipped size a part may unzip to (past 16 MB) */
  inflateRatio: number;
  /** files in the workbook's zip */
  zipEntries: number;
  /** characters in one row of a CSV file (an unclosed quote runs on to the end of the file) */
  recordChars: number;
  /** merged ranges in the sheet */
  merges: number;
}

export const READ_LIMITS: Readonly<ReadLimits> = Object.freeze({
  rows: 1_048_576,
  columns: 1_000,
  cells: 4_000_000,
  cellChars: 32_767,
  inflatedBytes: 256 * 1024 * 1024,
  inflateRatio: 200,
  zipEntries: 10_000,
  recordChars: 1_048_576,
  merges: 100_000,
});

export interface ReadOptions {
  /** stops the reading (UploadAbandoned) when it aborts: the client has gone */
  signal?: AbortSignal;
  limits?: Partial<ReadLimits>;
}

export const limitsOf = (o?: ReadOptions): ReadLimits => ({ ...READ_LIMITS, ...o?.limits });

/** The file could not be read at all, or is beyond a limit: the message says why, for the user. */
export class UnreadableFile extends Error {
  constructor(message: string, public row: number | null = null) {
    super(message);
  }
}

/** The client went away while its upload was being read: nobody is waiting for an answer. */
export class UploadAbandoned extends Error {
  constructor() {
    super('The upload was abandoned by its client');
  }
}

export function throwIfAbandoned(signal?: AbortSignal): void {
  if (signal?.aborted) throw new UploadAbandoned();
}

/** A column's letters from its 1-based number: 1 → A, 27 → AA. */
export function columnLetters(n: number): string {
  let s = '';
  for (let k = n; k > 0; k = Math.floor((k - 1) / 26)) s = String.fromCharCode(65 + ((k - 1) % 26)) + s;
  return s;
}

const figure = (n: number) => n.toLocaleString('en-GB');
const megabytes = (bytes: number) => `${Math.round(bytes / 1024 / 1024)}MB`;

/** The messages for each limit, in the GOV.UK style: what is wrong and what to do. */
export const beyond = {
  rows: (row: number, l: ReadLimits) =>
    new UnreadableFile(`The file has a row numbered ${figure(row)}. A sheet can have at most ${figure(l.rows)} rows. Delete the rows you do not need and try again`, null),
  /** `column`: its number, or its letters as the file gives them */
  columns: (row: number, column: number | string, l: ReadLimits) =>
    new UnreadableFile(
      `Row ${figure(row)} has a value in column ${typeof column === 'string' ? (column.length > 8 ? `${column.slice(0, 8)}…` : column) : columnLetters(column)}. The file can have at most ${figure(l.columns)} columns (up to column ${columnLetters(l.columns)}). Delete the columns you do not need and try again`,
      row,
    ),
  recordChars: (row: number, chars: number) =>
    new UnreadableFile(`Row ${figure(row)} is longer than ${figure(chars)} characters. Check for a quotation mark (") that is not closed, and for columns you do not need, and try again`, row),
  cells: (row: number, l: ReadLimits) =>
    new UnreadableFile(`The file has more than ${figure(l.cells)} cells with values (reached at row ${figure(row)}). Split it into smaller files and import them one at a time`, row),
  cellChars: (row: number | null, l: ReadLimits) =>
    new UnreadableFile(`${row ? `A cell in row ${figure(row)}` : 'A cell'} has more than ${figure(l.cellChars)} characters, more than a spreadsheet cell can hold. Shorten it and try again`, row),
  inflated: (l: ReadLimits) =>
    new UnreadableFile(`The workbook is larger than ${megabytes(l.inflatedBytes)} once opened. Remove what you do not need (other sheets, pictures, formatting), or save it as CSV UTF-8, and try again`),
  ratio: (l: ReadLimits) =>
    new UnreadableFile(`The workbook grows to more than ${figure(l.inflateRatio)} times its size when opened, which a real spreadsheet does not do. Open it in Excel, save it again as .xlsx or as CSV UTF-8, and try again`),
  entries: (l: ReadLimits) =>
    new UnreadableFile(`The workbook is made of more than ${figure(l.zipEntries)} parts, which a real spreadsheet is not. Open it in Excel, save it again as .xlsx or as CSV UTF-8, and try again`),
  merges: (l: ReadLimits) =>
    new UnreadableFile(`The sheet has more than ${figure(l.merges)} merged cells. Unmerge the cells, or save it as CSV UTF-8, and try again`),
};

/** The workbook is damaged: a part is cut short, or missing, or not what a workbook holds. */
export const damaged = (what: string) =>
  new UnreadableFile(`The Excel workbook is damaged (${what}). Open it in Excel, save it again as .xlsx or as CSV UTF-8, and try again`);

/**
 * Counts the cells of each row as it is read, against the limits: call `row` for each row
 * with its number and its cells (trailing blanks already dropped).
 */
export function rowCounter(l: ReadLimits) {
  let cells = 0;
  return (row: number, values: string[]): void => {
    if (row > l.rows) throw beyond.rows(row, l);
    if (values.length > l.columns) throw beyond.columns(row, values.length, l);
    for (const v of values) {
      if (v === '') continue;
      if (v.length > l.cellChars) throw beyond.cellChars(row, l);
      if (++cells > l.cells) throw beyond.cells(row, l);
    }
  };
}
