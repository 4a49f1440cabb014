import { StringDecoder } from 'node:string_decoder';
import type { Readable } from 'node:stream';
import yauzl, { type Entry, type ZipFile } from 'yauzl';
import { Parser } from 'htmlparser2';
import { pacer, type Pacer } from '../common/next-turn.js';
import { beyond, damaged, limitsOf, rowCounter, throwIfAbandoned, UnreadableFile, UploadAbandoned, type ReadLimits, type ReadOptions } from './limits.js';

// Reads the first sheet of an .xlsx workbook as it streams: the zip by yauzl (which checks
// each part's unzipped size against the size its directory declares), the XML by
// htmlparser2's streaming parser. Cells come out as the text a user would type for them:
// dates (by the cell's number format) as YYYY-MM-DD, booleans as Y/N, formulas as their last
// value. Every limit in limits.ts is checked as the parts unzip and parse, so a file beyond
// one is refused within moments, whatever it would have grown to; the reading lets other
// requests in every few milliseconds, and stops when the upload's client has gone.

export interface CellRange {
  top: number;
  left: number;
  bottom: number;
  right: number;
}

export interface SheetRow {
  row: number;
  cells: string[];
}

/** Excel's serial day 1 is 1900-01-01; serials count from 1899-12-30 because of Excel's 1900 leap-year bug. */
const EXCEL_EPOCH = Date.UTC(1899, 11, 30);
const SERIAL_MIN = 10000; // 1927-05-18: four figures are more likely a year ("2024") than a date
const SERIAL_MAX = 73050; // 2099-12-31

/** An Excel serial day number (1927 to 2099) as YYYY-MM-DD, or null. */
export function excelSerialDate(serial: number): string | null {
  if (!Number.isFinite(serial) || serial < SERIAL_MIN || serial > SERIAL_MAX) return null;
  return new Date(EXCEL_EPOCH + Math.floor(serial) * 86_400_000).toISOString().slice(0, 10);
}

/** A 1-based column number from its letters ("A" → 1), or Infinity past Excel's last (XFD). */
function columnNumber(letters: string): number {
  if (letters.length > 3) return Infinity;
  let n = 0;
  for (let i = 0; i < letters.length; i++) n = n * 26 + letters.charCodeAt(i) - 64;
  return n;
}

export function parseRange(ref: string): CellRange | null {
  const m = /^\$?([A-Z]{1,3})\$?(\d{1,7})(?::\$?([A-Z]{1,3})\$?(\d{1,7}))?$/.exec(ref.toUpperCase());
  if (!m) return null;
  const r = { left: columnNumber(m[1]), top: +m[2], right: columnNumber(m[3] ?? m[1]), bottom: +(m[4] ?? m[2]) };
  return r.right >= r.left && r.bottom >= r.top ? r : null;
}

/** Text as an XML reader gives it (line ends normalised), with OOXML's _xHHHH_ escapes undone. */
function ooxmlText(s: string): string {
  let out = s.indexOf('\r') < 0 ? s : s.replace(/\r\n?/g, '\n');
  if (out.indexOf('_x') >= 0) out = out.replace(/_x([0-9A-Fa-f]{4})_/g, (_, h: string) => String.fromCharCode(parseInt(h, 16)));
  return out;
}

// Built-in number formats that are dates or times (ECMA-376 18.8.30, and the East Asian ones).
const DATE_FORMAT_IDS = new Set([14, 15, 16, 17, 18, 19, 20, 21, 22, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 45, 46, 47, 50, 51, 52, 53, 54, 55, 56, 57, 58]);

export function isDateFormat(code: string): boolean {
  const f = code.replace(/\[[^\]]*]/g, '').replace(/"[^"]*"/g, '').replace(/\\./g, '');
  return /[ymdhsb]/i.test(f) && !/^general$/i.test(f.trim());
}

// ---- the zip --------------------------------------------------------------------------

const openZip = (buf: Buffer) =>
  new Promise<ZipFile>((resolve, reject) =>
    yauzl.fromBuffer(buf, { lazyEntries: true, validateEntrySizes: true, strictFileNames: false }, (err, zip) => (err ? reject(err) : resolve(zip))));

async function zipParts(zip: ZipFile, l: ReadLimits): Promise<Map<string, Entry>> {
  if (zip.entryCount > l.zipEntries) throw beyond.entries(l);
  const parts = new Map<string, Entry>();
  await new Promise<void>((resolve, reject) => {
    zip.on('entry', (e: Entry) => {
      parts.set(e.fileName.replace(/^\//, ''), e);
      zip.readEntry();
    });
    zip.on('end', () => resolve());
    zip.on('error', reject);
    zip.readEntry();
  });
  return parts;
}

const openEntry = (zip: ZipFile, e: Entry) =>
  new Promise<Readable>((resolve, reject) => zip.openReadStream(e, (err, s) => (err ? reject(err) : resolve(s))));

/** A read of the workbook: its zip, what has been unzipped so far, the limits and the pacing. */
interface Reading {
  zip: ZipFile;
  parts: Map<string, Entry>;
  limits: ReadLimits;
  unzipped: number;
  signal?: AbortSignal;
  pace: Pacer;
}

/** A part's text in pieces as it unzips, within the limits on unzipped size and growth. */
async function* partText(r: Reading, e: Entry): AsyncGenerator<string> {
  const l = r.limits;
  if (r.unzipped + e.uncompressedSize > l.inflatedBytes) throw beyond.inflated(l);
  if (e.uncompressedSize > 16 * 1024 * 1024 && e.uncompressedSize > l.inflateRatio * Math.max(1, e.compressedSize)) throw beyond.ratio(l);
  const decoder = new StringDecoder('utf8');
  let stream: Readable;
  try {
    stream = await openEntry(r.zip, e);
  } catch {
    throw damaged(`${e.fileName} cannot be unzipped`);
  }
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      r.unzipped += chunk.length; // yauzl stops a part at its declared size; this bounds the total
      if (r.unzipped > l.inflatedBytes) throw beyond.inflated(l);
      yield decoder.write(chunk);
      throwIfAbandoned(r.signal);
      await r.pace.maybe();
    }
  } catch (err) {
    if (err instanceof UnreadableFile || err instanceof UploadAbandoned) throw err;
    throw damaged(`${e.fileName} is cut short or cannot be unzipped`);
  } finally {
    stream.destroy();
  }
  yield decoder.end();
}

// ---- the XML --------------------------------------------------------------------------

interface XmlHandlers {
  open?(name: string, attrs: Record<string, string>): void;
  close?(name: string): void;
  text?(text: string): void;
}

const localName = (name: string) => {
  const i = name.indexOf(':');
  return i < 0 ? name : name.slice(i + 1);
};

/**
 * A streaming XML parser calling `h` with element names stripped of their prefix. `end()`
 * refuses a part whose elements are not all closed: one cut short.
 */
function xmlParser(h: XmlHandlers, part: string) {
  let finishing = false;
  let cutShort = false;
  let sawElement = false;
  const parser = new Parser(
    {
      onopentag: (name, attrs) => {
        sawElement = true;
        h.open?.(localName(name), attrs);
      },
      onclosetag: (name) => {
        if (finishing) cutShort = true;
        else h.close?.(localName(name));
      },
      ontext: (t) => h.text?.(t),
    },
    { xmlMode: true, decodeEntities: true },
  );
  return {
    write: (s: string) => parser.write(s),
    end() {
      finishing = true;
      parser.end();
      if (cutShort || !sawElement) throw damaged(`${part} is cut short`);
    },
  };
}

/** A whole (small) part parsed, or nothing if the workbook has no such part. */
async function parsePart(r: Reading, name: string, h: XmlHandlers): Promise<boolean> {
  const e = r.parts.get(name);
  if (!e) return false;
  const p = xmlParser(h, name);
  for await (const text of partText(r, e)) p.write(text);
  p.end();
  return true;
}

/** The path of the workbook's first sheet (its first tab not hidden). */
async function firstSheetPath(r: Reading): Promise<string> {
  const sheets: { hidden: boolean; id: string }[] = [];
  const found = await parsePart(r, 'xl/workbook.xml', {
    open(name, a) {
      if (name !== 'sheet') return;
      const idKey = Object.keys(a).find((k) => localName(k) === 'id' && k !== 'sheetId');
      sheets.push({ hidden: a.state === 'hidden' || a.state === 'veryHidden', id: idKey ? a[idKey] : '' });
    },
  });
  if (!found) throw new UnreadableFile('The file is not an Excel workbook (it has no workbook part). Save it as .xlsx or as CSV UTF-8 and try again');
  const id = sheets.find((s) => !s.hidden)?.id;
  const targets = new Map<string, string>();
  await parsePart(r, 'xl/_rels/workbook.xml.rels', {
    open(name, a) {
      if (name === 'Relationship' && a.Id && a.Target) targets.set(a.Id, a.Target);
    },
  });
  const target = id ? targets.get(id) : undefined;
  if (!target) throw damaged('it has no sheet to read');
  const path = target.startsWith('/') ? target.slice(1) : `xl/${target.replace(/^\.\//, '')}`;
  if (!r.parts.has(path)) throw damaged(`its first sheet, ${path}, is missing`);
  return path;
}

/** The shared strings (the text of most cells), each the text of its runs, phonetic runs left out. */
async function sharedStrings(r: Reading): Promise<string[]> {
  const out: string[] = [];
  let inT = false;
  let phonetic = 0;
  let text = '';
  await parsePart(r, 'xl/sharedStrings.xml', {
    open(name) {
      if (name === 'si') text = '';
      else if (name === 't') inT = true;
      else if (name === 'rPh') phonetic += 1;
    },
    close(name) {
      if (name === 't') inT = false;
      else if (name === 'rPh') phonetic -= 1;
      else if (name === 'si') {
        if (out.length >= r.limits.cells) throw beyond.cells(0, r.limits);
        out.push(ooxmlText(text));
      }
    },
    text(t) {
      if (!inT || phonetic) return;
      text += t;
      if (text.length > r.limits.cellChars) throw beyond.cellChars(null, r.limits);
    },
  });
  return out;
}

/** For each cell style (the s attribute), whether it shows a date. */
async function dateStyles(r: Reading): Promise<boolean[]> {
  const custom = new Map<number, string>();
  const out: boolean[] = [];
  let inCellXfs = false;
  await parsePart(r, 'xl/styles.xml', {
    open(name, a) {
      if (name === 'numFmt' && a.numFmtId !== undefined && a.formatCode !== undefined) custom.set(Number(a.numFmtId), a.formatCode);
      else if (name === 'cellXfs') inCellXfs = true;
      else if (name === 'xf' && inCellXfs) {
        const id = Number(a.numFmtId ?? 0);
        out.push(custom.has(id) ? isDateFormat(custom.get(id)!) : DATE_FORMAT_IDS.has(id));
      }
    },
    close(name) {
      if (name === 'cellXfs') inCellXfs = false;
    },
  });
  return out;
}

export interface XlsxSheet {
  /** the first sheet's rows as they are read (a row the sheet leaves out is not given) */
  rows: AsyncGenerator<SheetRow>;
  /** the sheet's merged ranges over more than one cell: complete once the rows have all been read */
  merges: CellRange[];
}

/**
 * The first sheet of a workbook, read as it streams within the limits. Throws
 * UnreadableFile (a message for the user) for a damaged workbook or one beyond a limit, and
 * UploadAbandoned when `signal` aborts.
 */
export async function readXlsxSheet(buf: Buffer, o: ReadOptions = {}): Promise<XlsxSheet> {
  const limits = limitsOf(o);
  let zip: ZipFile;
  try {
    zip = await openZip(buf);
  } catch {
    throw new UnreadableFile('The Excel workbook could not be read. Save it again as .xlsx, or as CSV UTF-8, and try again');
  }
  let parts: Map<string, Entry>;
  try {
    parts = await zipParts(zip, limits);
  } catch (e) {
    throw e instanceof UnreadableFile ? e : damaged('its list of parts cannot be read');
  }
  const r: Reading = { zip, parts, limits, unzipped: 0, signal: o.signal, pace: pacer() };
  const path = await firstSheetPath(r);
  const strings = await sharedStrings(r);
  const isDate = await dateStyles(r);
  const merges: CellRange[] = [];
  return { rows: sheetRows(r, r.parts.get(path)!, strings, isDate, merges), merges };
}

function cellValue(type: string | undefined, style: string | undefined, v: string, inline: string, strings: string[], isDate: boolean[]): string {
  if (type === 'inlineStr') return ooxmlText(inline);
  if (v === '') return '';
  switch (type) {
    case 's': {
      const i = Number(v);
      if (!Number.isInteger(i) || i < 0 || i >= strings.length) throw damaged('a cell refers to text the workbook does not hold');
      return strings[i];
    }
    case 'str':
    case 'e':
      return ooxmlText(v);
    case 'b':
      return v.trim() === '1' ? 'Y' : 'N';
    case 'd':
      return v.slice(0, 10);
    default: {
      const n = Number(v);
      if (!Number.isFinite(n)) return ooxmlText(v);
      if (style !== undefined && isDate[Number(style)]) {
        return excelSerialDate(n) ?? (n >= 1 && n < 10000 ? new Date(EXCEL_EPOCH + Math.floor(n) * 86_400_000).toISOString().slice(0, 10) : '');
      }
      return String(n);
    }
  }
}

async function* sheetRows(r: Reading, entry: Entry, strings: string[], isDate: boolean[], merges: CellRange[]): AsyncGenerator<SheetRow> {
  const l = r.limits;
  const count = rowCounter(l);
  const ready: SheetRow[] = [];
  let nextRow = 1;
  let row = 0;
  let cells: string[] = [];
  let col = 0;
  let letters: string | undefined;
  let nextCol = 1;
  let type: string | undefined;
  let style: string | undefined;
  let v = '';
  let inline = '';
  let inV = false;
  let inInlineT = false;
  let inIs = false;
  let phonetic = 0;

  const p = xmlParser(
    {
      open(name, a) {
        switch (name) {
          case 'row':
            row = a.r !== undefined ? Number(a.r) : nextRow;
            if (!Number.isInteger(row) || row < 1) throw damaged('a row has no proper number');
            if (row > l.rows) throw beyond.rows(row, l);
            nextRow = row + 1;
            cells = [];
            nextCol = 1;
            break;
          case 'c': {
            letters = a.r ? /^[A-Za-z]+/.exec(a.r)?.[0] : undefined;
            col = letters ? columnNumber(letters.toUpperCase()) : nextCol;
            nextCol = col + 1;
            type = a.t;
            style = a.s;
            v = '';
            inline = '';
            break;
          }
          case 'v':
            inV = true;
            break;
          case 'is':
            inIs = true;
            break;
          case 't':
            if (inIs) inInlineT = true;
            break;
          case 'rPh':
            phonetic += 1;
            break;
          case 'mergeCell': {
            const range = a.ref ? parseRange(a.ref) : null;
            if (range && (range.bottom > range.top || range.right > range.left)) {
              if (merges.length >= l.merges) throw beyond.merges(l);
              merges.push(range);
            }
            break;
          }
        }
      },
      close(name) {
        switch (name) {
          case 'v':
            inV = false;
            break;
          case 't':
            inInlineT = false;
            break;
          case 'is':
            inIs = false;
            break;
          case 'rPh':
            phonetic -= 1;
            break;
          case 'c': {
            const value = cellValue(type, style, v, inline, strings, isDate);
            if (!value) break;
            if (col > l.columns) throw beyond.columns(row, letters ?? col, l);
            while (cells.length < col - 1) cells.push('');
            cells[col - 1] = value;
            break;
          }
          case 'row':
            count(row, cells);
            ready.push({ row, cells });
            break;
        }
      },
      text(t) {
        if (inV) v += t;
        else if (inInlineT && !phonetic) inline += t;
        else return;
        if (v.length + inline.length > l.cellChars) throw beyond.cellChars(row, l);
      },
    },
    entry.fileName,
  );
  for await (const text of partText(r, entry)) {
    p.write(text);
    if (ready.length) yield* ready.splice(0);
  }
  p.end();
  yield* ready.splice(0);
}

/** The first sheet's rows, blank ones filled in, and its merged ranges: for tests and small files. */
export async function readXlsxAll(buf: Buffer, o: ReadOptions = {}): Promise<{ rows: string[][]; merges: CellRange[] }> {
  const sheet = await readXlsxSheet(buf, o);
  const rows: string[][] = [];
  for await (const { row, cells } of sheet.rows) {
    while (rows.length < row - 1) rows.push([]);
    rows[row - 1] = cells;
  }
  return { rows, merges: sheet.merges };
}
