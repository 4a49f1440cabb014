import { StringDecoder } from 'node:string_decoder';
import zlib from 'node:zlib';
import { Readable } from 'node:stream';

// A lean reader for the first sheet of an .xlsx workbook: cell text by position (as the
// general reader, ExcelJS, gives it in read.ts: dates as YYYY-MM-DD, booleans as Y/N,
// formulas as their last value) and the merged ranges, in one streaming pass over the
// sheet's XML. A sheet of 50,000 rows reads in a second or two rather than the ten the
// general-purpose reader takes, with far less garbage; and the workbook's parts are found
// through the zip's central directory, so their order does not matter (ExcelJS's streaming
// reader now and then loses a part stored after the sheet, as ExcelJS itself stores
// xl/workbook.xml: exceljs/exceljs#3064). Anything it does not expect makes it give up
// (null), and the caller falls back to the general reader.

/** Excel's serial day 1 is 1900-01-01; serials count from 1899-12-30 because of Excel's 1900 leap-year bug. */
const EXCEL_EPOCH = Date.UTC(1899, 11, 30);
const SERIAL_MIN = 10000; // 1927-05-18: four figures are more likely a year ("2024") than a date
const SERIAL_MAX = 73050; // 2099-12-31

/** An Excel serial day number (1927 to 2099) as YYYY-MM-DD, or null. */
export function excelSerialDate(serial: number): string | null {
  if (!Number.isFinite(serial) || serial < SERIAL_MIN || serial > SERIAL_MAX) return null;
  return new Date(EXCEL_EPOCH + Math.floor(serial) * 86_400_000).toISOString().slice(0, 10);
}

export interface ZipEntry {
  name: string;
  method: number;
  compressedSize: number;
  localOffset: number;
}

export interface CellRange {
  top: number;
  left: number;
  bottom: number;
  right: number;
}

export function zipEntries(buf: Buffer): ZipEntry[] {
  // The end-of-central-directory record is in the last 64 KB.
  let eocd = -1;
  for (let i = buf.length - 22; i >= Math.max(0, buf.length - 65557); i--) {
    if (buf.readUInt32LE(i) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) return [];
  const count = buf.readUInt16LE(eocd + 10);
  let p = buf.readUInt32LE(eocd + 16);
  const out: ZipEntry[] = [];
  for (let i = 0; i < count && p + 46 <= buf.length && buf.readUInt32LE(p) === 0x02014b50; i++) {
    const nameLen = buf.readUInt16LE(p + 28);
    const extraLen = buf.readUInt16LE(p + 30);
    const commentLen = buf.readUInt16LE(p + 32);
    out.push({
      name: buf.toString('utf8', p + 46, p + 46 + nameLen),
      method: buf.readUInt16LE(p + 10),
      compressedSize: buf.readUInt32LE(p + 20),
      localOffset: buf.readUInt32LE(p + 42),
    });
    p += 46 + nameLen + extraLen + commentLen;
  }
  return out;
}

/** A zip entry's content as a stream (stored or deflated), or null. */
export function entryStream(buf: Buffer, e: ZipEntry): Readable | null {
  if (e.localOffset + 30 > buf.length || buf.readUInt32LE(e.localOffset) !== 0x04034b50) return null;
  const start = e.localOffset + 30 + buf.readUInt16LE(e.localOffset + 26) + buf.readUInt16LE(e.localOffset + 28);
  const data = buf.subarray(start, start + e.compressedSize);
  if (e.method === 0) return Readable.from([data]);
  if (e.method === 8) return Readable.from([data]).pipe(zlib.createInflateRaw());
  return null;
}

function entryText(buf: Buffer, e: ZipEntry): string | null {
  if (e.localOffset + 30 > buf.length || buf.readUInt32LE(e.localOffset) !== 0x04034b50) return null;
  const start = e.localOffset + 30 + buf.readUInt16LE(e.localOffset + 26) + buf.readUInt16LE(e.localOffset + 28);
  const data = buf.subarray(start, start + e.compressedSize);
  if (e.method === 0) return data.toString('utf8');
  if (e.method === 8) return zlib.inflateRawSync(data).toString('utf8');
  return null;
}

const ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

/** XML text as written: line ends as an XML parser reads them, entities, and OOXML's _xHHHH_ escapes. */
export function xmlText(raw: string): string {
  const s = raw.indexOf('\r') < 0 ? raw : raw.replace(/\r\n?/g, '\n');
  let out = s.indexOf('&') < 0 ? s : s.replace(/&(#x[0-9a-fA-F]+|#\d+|lt|gt|amp|quot|apos);/g, (_, e: string) =>
    e[0] === '#' ? String.fromCodePoint(e[1] === 'x' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10)) : ENTITIES[e]);
  if (out.indexOf('_x') >= 0) out = out.replace(/_x([0-9A-Fa-f]{4})_/g, (_, h: string) => String.fromCharCode(parseInt(h, 16)));
  return out;
}

const attr = (attrs: string, name: string): string | null => {
  const m = new RegExp(`(?:^|\\s)${name}="([^"]*)"`).exec(attrs);
  return m ? m[1] : null;
};

/** The text of every <t> in an element, phonetic runs (<rPh>) left out. */
function runsText(xml: string): string {
  const noPhonetic = xml.indexOf('rPh') >= 0 ? xml.replace(/<(?:\w+:)?rPh\b[\s\S]*?<\/(?:\w+:)?rPh>/g, '') : xml;
  let out = '';
  const t = /<(?:\w+:)?t(?:\s[^>]*)?>([\s\S]*?)<\/(?:\w+:)?t>/g;
  for (let m = t.exec(noPhonetic); m; m = t.exec(noPhonetic)) out += m[1];
  return xmlText(out);
}

function sharedStrings(xml: string): string[] {
  const out: string[] = [];
  const si = /<(?:\w+:)?si>([\s\S]*?)<\/(?:\w+:)?si>|<(?:\w+:)?si\/>/g;
  for (let m = si.exec(xml); m; m = si.exec(xml)) out.push(m[1] === undefined ? '' : runsText(m[1]));
  return out;
}

// Built-in number formats that are dates or times (ECMA-376 18.8.30, and the East Asian ones).
const DATE_FORMAT_IDS = new Set([14, 15, 16, 17, 18, 19, 20, 21, 22, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 45, 46, 47, 50, 51, 52, 53, 54, 55, 56, 57, 58]);

export function isDateFormat(code: string): boolean {
  const f = code.replace(/\[[^\]]*]/g, '').replace(/"[^"]*"/g, '').replace(/\\./g, '');
  return /[ymdhsb]/i.test(f) && !/^general$/i.test(f.trim());
}

/** For each cell style (the s attribute), whether it shows a date. */
function dateStyles(xml: string | null): boolean[] {
  if (!xml) return [];
  const custom = new Map<number, string>();
  const nf = /<(?:\w+:)?numFmt\b([^>]*)\/?>/g;
  for (let m = nf.exec(xml); m; m = nf.exec(xml)) {
    const id = attr(m[1], 'numFmtId');
    const code = attr(m[1], 'formatCode');
    if (id !== null && code !== null) custom.set(Number(id), xmlText(code));
  }
  const cellXfs = /<(?:\w+:)?cellXfs\b[^>]*>([\s\S]*?)<\/(?:\w+:)?cellXfs>/.exec(xml)?.[1] ?? '';
  const out: boolean[] = [];
  const xf = /<(?:\w+:)?xf\b([^>]*)\/?>/g;
  for (let m = xf.exec(cellXfs); m; m = xf.exec(cellXfs)) {
    const id = Number(attr(m[1], 'numFmtId') ?? 0);
    out.push(custom.has(id) ? isDateFormat(custom.get(id)!) : DATE_FORMAT_IDS.has(id));
  }
  return out;
}

const columnNumber = (letters: string) => {
  let n = 0;
  for (let i = 0; i < letters.length; i++) n = n * 26 + letters.charCodeAt(i) - 64;
  return n;
};

export function parseRange(ref: string): CellRange | null {
  const m = /^\$?([A-Z]{1,3})\$?(\d+)(?::\$?([A-Z]{1,3})\$?(\d+))?$/.exec(ref.toUpperCase());
  if (!m) return null;
  const r = { left: columnNumber(m[1]), top: +m[2], right: columnNumber(m[3] ?? m[1]), bottom: +(m[4] ?? m[2]) };
  return r.right >= r.left && r.bottom >= r.top ? r : null;
}

/** The path of the workbook's first sheet (its first tab not hidden), or null. */
function firstSheetPath(buf: Buffer, entries: ZipEntry[]): string | null {
  const byName = new Map(entries.map((e) => [e.name, e]));
  const wb = byName.get('xl/workbook.xml');
  const rels = byName.get('xl/_rels/workbook.xml.rels');
  if (!wb || !rels) return null;
  const wbXml = entryText(buf, wb);
  const relXml = entryText(buf, rels);
  if (!wbXml || !relXml) return null;
  // The first tab that is not hidden.
  const sheet = [...wbXml.matchAll(/<(?:\w+:)?sheet\b([^>]*)\/?>/g)].find((m) => !/\bstate="(hidden|veryHidden)"/.test(m[1]));
  const rid = sheet ? /\br:id="([^"]+)"|\bid="([^"]+)"/.exec(sheet[1]) : null;
  const id = rid?.[1] ?? rid?.[2];
  if (!id) return null;
  const rel = [...relXml.matchAll(/<(?:\w+:)?Relationship\b([^>]*)\/?>/g)].map((m) => m[1]).find((a) => attr(a, 'Id') === id);
  const target = rel ? attr(rel, 'Target') : null;
  if (!target) return null;
  return target.startsWith('/') ? target.slice(1) : `xl/${target.replace(/^\.\//, '')}`;
}

export interface XlsxSheet {
  rows: string[][];
  merges: CellRange[];
}

const ROW_END = /<\/(?:\w+:)?row>/g;
const CELL = /<(?:\w+:)?c\b([^>]*?)(?:\/>|>([\s\S]*?)<\/(?:\w+:)?c>)/g;
const VALUE = /<(?:\w+:)?v(?:\s[^>]*)?>([\s\S]*?)<\/(?:\w+:)?v>/;
const ROW_START = /<(?:\w+:)?row\b([^>]*?)(\/?)>/g;
const MERGE = /<(?:\w+:)?mergeCell\b[^>]*?\bref="([^"]+)"/g;

/** Adds the ranges of the <mergeCell> tags in `text` (those over more than one cell) to `merges`; says where the last one ended. */
export function collectMerges(text: string, merges: CellRange[]): number {
  let last = 0;
  MERGE.lastIndex = 0;
  for (let m = MERGE.exec(text); m; m = MERGE.exec(text)) {
    const range = parseRange(m[1]);
    if (range && (range.bottom > range.top || range.right > range.left)) merges.push(range);
    last = MERGE.lastIndex;
  }
  return last;
}

/**
 * The first sheet's cells and merged ranges, or null when the workbook is laid out in a
 * way this reader does not handle. `onRows` hears the number of rows read every so often.
 */
export async function readXlsxFast(buf: Buffer, onRows?: (rowsRead: number) => Promise<void> | void): Promise<XlsxSheet | null> {
  const sheet = xlsxFastRows(buf);
  if (!sheet) return null;
  const rows: string[][] = [];
  let reported = 0;
  for await (const { row, cells } of sheet.rows) {
    while (rows.length < row - 1) rows.push([]);
    rows[row - 1] = cells;
    if (onRows && rows.length - reported >= 2000) {
      reported = rows.length;
      await onRows(rows.length);
    }
  }
  await onRows?.(rows.length);
  return { rows, merges: sheet.merges };
}

/**
 * The first sheet's rows as they are read (a row the sheet leaves out is blank), or null
 * when the workbook is laid out in a way this reader does not handle. `merges` is complete once
 * the rows have all been read.
 */
export function xlsxFastRows(buf: Buffer): { rows: AsyncGenerator<{ row: number; cells: string[] }>; merges: CellRange[] } | null {
  const entries = zipEntries(buf);
  const path = firstSheetPath(buf, entries);
  const sheetEntry = path ? entries.find((e) => e.name === path) : undefined;
  if (!sheetEntry) return null;
  const ssEntry = entries.find((e) => e.name === 'xl/sharedStrings.xml');
  const stEntry = entries.find((e) => e.name === 'xl/styles.xml');
  const strings = ssEntry ? sharedStrings(entryText(buf, ssEntry) ?? '') : [];
  const isDate = dateStyles(stEntry ? entryText(buf, stEntry) : null);
  const stream = entryStream(buf, sheetEntry);
  if (!stream) return null;
  const merges: CellRange[] = [];

  const cellValue = (attrs: string, inner: string | undefined): string => {
    const t = attr(attrs, 't');
    if (t === 'inlineStr') return inner ? runsText(inner) : '';
    const v = inner ? VALUE.exec(inner)?.[1] : undefined;
    if (v === undefined) return '';
    switch (t) {
      case 's': return strings[Number(v)] ?? '';
      case 'str': return xmlText(v);
      case 'b': return v.trim() === '1' ? 'Y' : 'N';
      case 'e': return xmlText(v);
      case 'd': return xmlText(v).slice(0, 10);
      default: {
        const n = Number(v);
        if (!Number.isFinite(n)) return xmlText(v);
        const s = attr(attrs, 's');
        if (s !== null && isDate[Number(s)]) return excelSerialDate(n) ?? (n >= 1 && n < 10000 ? new Date(Date.UTC(1899, 11, 30) + Math.floor(n) * 86_400_000).toISOString().slice(0, 10) : '');
        return String(n);
      }
    }
  };

  let nextRow = 1;
  /** The rows in a stretch of the sheet's XML that ends at a row's end. */
  const takeRows = (text: string) => {
    const out: { row: number; cells: string[] }[] = [];
    ROW_START.lastIndex = 0;
    for (let m = ROW_START.exec(text); m; m = ROW_START.exec(text)) {
      const r = Number(attr(m[1], 'r') ?? nextRow);
      nextRow = r + 1;
      if (m[2] === '/') continue; // <row/>: empty
      ROW_END.lastIndex = ROW_START.lastIndex;
      const e = ROW_END.exec(text);
      const close = e ? e.index : text.length;
      const body = text.slice(ROW_START.lastIndex, close);
      ROW_START.lastIndex = close;
      const cells: string[] = [];
      let nextCol = 1;
      CELL.lastIndex = 0;
      for (let c = CELL.exec(body); c; c = CELL.exec(body)) {
        const ref = attr(c[1], 'r');
        const col = ref ? columnNumber(/^[A-Z]+/.exec(ref)?.[0] ?? '') || nextCol : nextCol;
        nextCol = col + 1;
        const value = cellValue(c[1], c[2]);
        if (!value) continue;
        while (cells.length < col - 1) cells.push('');
        cells[col - 1] = value;
      }
      out.push({ row: r, cells });
    }
    return out;
  };

  async function* rows(): AsyncGenerator<{ row: number; cells: string[] }> {
    const decoder = new StringDecoder('utf8');
    let pending = '';
    let inData = true;
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      const text = pending + decoder.write(chunk);
      if (inData) {
        const endData = text.search(/<\/(?:\w+:)?sheetData>|<(?:\w+:)?sheetData\/>/);
        const upto = endData >= 0 ? endData : (() => {
          let last = -1;
          ROW_END.lastIndex = 0;
          for (let m = ROW_END.exec(text); m; m = ROW_END.exec(text)) last = ROW_END.lastIndex;
          return last;
        })();
        if (upto < 0) {
          pending = text;
          continue;
        }
        yield* takeRows(text.slice(0, upto));
        pending = text.slice(upto);
        if (endData >= 0) inData = false;
      } else {
        const last = collectMerges(text, merges);
        const open = text.lastIndexOf('<');
        pending = open >= last && text.length - open < 500 ? text.slice(open) : '';
      }
    }
    if (inData) {
      yield* takeRows(pending + decoder.end());
    } else if (pending) {
      collectMerges(pending, merges);
    }
  }

  return { rows: rows(), merges };
}
