import { Readable } from 'node:stream';
import ExcelJS from 'exceljs';

// ExcelJS's reading of a workbook's first sheet, as the text a user would type for each
// cell: the oracle the app's own streaming reader (server/uploads/xlsx.ts) is checked against.

/** The first sheet by ExcelJS's streaming reader. */
export async function* exceljsRows(content: Buffer): AsyncGenerator<{ row: number; cells: string[] }> {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- ExcelJS's streaming reader is not in its type declarations
  const reader = new (ExcelJS as any).stream.xlsx.WorkbookReader(Readable.from([content]), {
    sharedStrings: 'cache',
    hyperlinks: 'cache',
    styles: 'cache', // needed to tell dates from numbers
    worksheets: 'emit',
    entries: 'emit',
  });
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
}

/** An Excel cell's value as the text a user would type for it. */
export function cellText(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : '';
  if (typeof v === 'boolean') return v ? 'Y' : 'N';
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? '' : v.toISOString().slice(0, 10); // exceljs gives dates at UTC midnight
  if (typeof v === 'object') {
    const o = v as Record<string, unknown>;
    if (Array.isArray(o.richText)) return (o.richText as { text?: unknown }[]).map((p) => String(p?.text ?? '')).join('');
    if ('result' in o) return cellText(o.result); // a formula: its last calculated value
    if ('formula' in o || 'sharedFormula' in o) return '';
    if ('text' in o) return cellText(o.text); // a hyperlink
    if ('error' in o) return String(o.error);
  }
  return String(v);
}
