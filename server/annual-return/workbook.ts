import fs from 'node:fs/promises';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { z } from 'zod';
import { reconcile } from './counting.js';
import { resolveFigure, tableRows, type FigureContext } from './figures.js';
import { xlsxCell } from '../common/spreadsheet.js';

// A template mapping: where each figure goes. Cells take one figure; tables write a
// breakdown's rows (label, count) downwards from an anchor, then a Total row.
export const mappingSchema = z.object({
  template: z.string().min(1),
  cells: z.array(z.object({ sheet: z.string(), cell: z.string().regex(/^[A-Z]{1,3}[1-9]\d*$/), figure: z.string() })).default([]),
  tables: z
    .array(
      z.object({
        sheet: z.string(),
        anchor: z.string().regex(/^[A-Z]{1,3}[1-9]\d*$/),
        source: z.string(),
        maxRows: z.number().int().positive(),
        total: z.boolean().default(true),
        /** where the count goes, relative to the label column */
        countOffset: z.number().int().positive().default(1),
      }),
    )
    .default([]),
});
export type Mapping = z.infer<typeof mappingSchema>;

export class ReturnExportError extends Error {
  constructor(public problems: string[]) {
    super(`The annual return cannot be written:\n- ${problems.join('\n- ')}`);
  }
}

export async function loadMapping(file: string): Promise<{ mapping: Mapping; templatePath: string }> {
  const parsed = mappingSchema.safeParse(JSON.parse(await fs.readFile(file, 'utf8')));
  if (!parsed.success) throw new ReturnExportError(parsed.error.issues.map((i) => `mapping ${i.path.join('.')}: ${i.message}`));
  return { mapping: parsed.data, templatePath: path.resolve(path.dirname(file), parsed.data.template) };
}

const splitCell = (ref: string) => {
  const m = /^([A-Z]+)(\d+)$/.exec(ref)!;
  const col = m[1].split('').reduce((n, ch) => n * 26 + ch.charCodeAt(0) - 64, 0);
  return { col, row: Number(m[2]) };
};

/**
 * Fills a copy of the template from the mapping. Refuses (ReturnExportError) when the
 * return does not reconcile, when a figure with a count has nowhere to go, or when a
 * table has more rows than the template leaves room for.
 */
export async function fillWorkbook(templatePath: string, mapping: Mapping, ctx: FigureContext): Promise<Buffer> {
  const problems = reconcile(ctx.ret);
  if (problems.length) throw new ReturnExportError(problems);
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.readFile(templatePath);
  const sheet = (name: string) => {
    const ws = wb.getWorksheet(name);
    if (!ws) throw new ReturnExportError([`the template has no sheet called "${name}"`]);
    return ws;
  };
  const mappedCodes = new Map<string, Set<string>>();
  for (const c of mapping.cells) {
    const value = resolveFigure(ctx, c.figure);
    sheet(c.sheet).getCell(c.cell).value = xlsxCell(value);
    const [kind, key, code] = c.figure.split(':');
    if (kind === 'breakdown' && code !== 'total') (mappedCodes.get(key) ?? mappedCodes.set(key, new Set()).get(key)!).add(code);
  }
  // A breakdown placed cell by cell must have a cell for every row that has a count.
  for (const [key, codes] of mappedCodes) {
    for (const row of ctx.ret.breakdowns[key].rows) {
      if (row.count > 0 && !codes.has(row.code)) {
        problems.push(`the template has no cell for "${row.label}" (${row.code}) in ${ctx.ret.breakdowns[key].title}, which counts ${row.count}`);
      }
    }
  }
  for (const t of mapping.tables) {
    const rows = tableRows(ctx, t.source);
    if (rows.length > t.maxRows) {
      problems.push(`the template leaves room for ${t.maxRows} rows at ${t.sheet}!${t.anchor} but ${t.source} has ${rows.length}`);
      continue;
    }
    const ws = sheet(t.sheet);
    const { col, row } = splitCell(t.anchor);
    rows.forEach((r, i) => {
      ws.getCell(row + i, col).value = xlsxCell(r.label);
      ws.getCell(row + i, col + t.countOffset).value = r.count;
    });
    if (t.total) {
      ws.getCell(row + rows.length, col).value = 'Total';
      ws.getCell(row + rows.length, col).font = { bold: true };
      const total = ws.getCell(row + rows.length, col + t.countOffset);
      total.value = rows.reduce((s, r) => s + r.count, 0);
      total.font = { bold: true };
    }
  }
  if (problems.length) throw new ReturnExportError(problems);
  return Buffer.from(await wb.xlsx.writeBuffer());
}
