import ExcelJS from 'exceljs';
import { stringify } from 'csv-stringify/sync';
import { neutraliseFormula } from './spreadsheet.js';

export interface Column<T> {
  header: string;
  value: (row: T) => string | number | null | undefined;
  width?: number;
}

const safe = (v: string | number | null | undefined) => (v === null || v === undefined ? '' : neutraliseFormula(v));

/** CSV (RFC 4180, UTF-8 with BOM so Excel reads it right), formulas neutralised. */
export function toCsv<T>(columns: Column<T>[], rows: Iterable<T>): string {
  const out: (string | number)[][] = [columns.map((c) => c.header)];
  for (const r of rows) out.push(columns.map((c) => safe(c.value(r))));
  return '\uFEFF' + stringify(out, { record_delimiter: '\r\n' });
}

/** One-sheet workbook with a frozen bold header; user text is written as text, never a formula. */
export async function toXlsx<T>(sheetName: string, columns: Column<T>[], rows: Iterable<T>): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet(sheetName.slice(0, 31), { views: [{ state: 'frozen', ySplit: 1 }] });
  ws.columns = columns.map((c) => ({ header: c.header, width: c.width ?? Math.max(12, c.header.length + 2) }));
  ws.getRow(1).font = { bold: true };
  for (const r of rows) ws.addRow(columns.map((c) => safe(c.value(r))));
  return Buffer.from(await wb.xlsx.writeBuffer());
}
