import ExcelJS from 'exceljs';
import { stringify } from 'csv-stringify/sync';
import { csvCell, csvText, sheetName, xlsxCell, xlsxText } from './spreadsheet.js';

// Tables as downloads (insight tables, the child extract, the quality report). Every heading and
// cell goes through server/common/spreadsheet.ts: neutralised in CSV, string cells in xlsx.

export interface Column<T> {
  header: string;
  value: (row: T) => string | number | null | undefined;
  width?: number;
}

/** CSV (RFC 4180, UTF-8 with BOM so Excel reads it right), headings and cells neutralised. */
export function toCsv<T>(columns: Column<T>[], rows: Iterable<T>): string {
  const out: (string | number)[][] = [columns.map((c) => csvText(c.header))];
  for (const r of rows) out.push(columns.map((c) => csvCell(c.value(r))));
  return '\uFEFF' + stringify(out, { record_delimiter: '\r\n' });
}

/** One-sheet workbook with a frozen bold header; text is written as string cells, never a formula. */
export async function toXlsx<T>(name: string, columns: Column<T>[], rows: Iterable<T>): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet(sheetName(name), { views: [{ state: 'frozen', ySplit: 1 }] });
  ws.columns = columns.map((c) => ({ header: xlsxText(c.header), width: c.width ?? Math.min(60, Math.max(12, c.header.length + 2)) }));
  ws.getRow(1).font = { bold: true };
  for (const r of rows) ws.addRow(columns.map((c) => xlsxCell(c.value(r)) ?? ''));
  return Buffer.from(await wb.xlsx.writeBuffer());
}
