import fs from 'node:fs/promises';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { z } from 'zod';
import { reconcile } from './counting.js';
import { NR } from './breakdowns.js';
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
        /** the code of the row that counts codes the template has no room for (default OTH, when the breakdown has it) */
        other: z.string().optional(),
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

export interface WorkbookPlan {
  /** cells to write: a figure, or a breakdown's row */
  cells: { sheet: string; cell: string; value: string | number | null }[];
  /** table anchors: the rows written from each */
  tables: { sheet: string; anchor: string; countOffset: number; total: boolean; rows: { label: string; count: number }[] }[];
  /** what stops the workbook: a counted figure with nowhere to go, a return that does not reconcile */
  problems: string[];
  /** what the data lead should know, and what to change in the mapping: codes the template has no place for */
  warnings: string[];
}

export const DEFAULT_OTHER = 'OTH';

type PlacedRow = { code: string; label: string; count: number; retired?: boolean };

/**
 * Where every figure goes. A new code never stops the workbook: codes with nothing counted, and
 * retired codes, need no place at all; a code with a count that the template has no place for is
 * counted in the breakdown's "Other" row (with a warning saying what to change in the mapping).
 * Only a count with no place and no "Other" row to go to stops it (problems).
 */
export function planWorkbook(mapping: Mapping, ctx: FigureContext): WorkbookPlan {
  const problems = reconcile(ctx.ret);
  const warnings: string[] = [];
  const plan: WorkbookPlan = { cells: [], tables: [], problems, warnings };
  if (problems.length) return plan;
  const year = ctx.ret.period.label;

  // Breakdowns placed cell by cell: every row with a count needs a cell, or the "Other" cell.
  const byBreakdown = new Map<string, Map<string, number>>(); // key -> code -> index in plan.cells
  for (const c of mapping.cells) {
    plan.cells.push({ sheet: c.sheet, cell: c.cell, value: resolveFigure(ctx, c.figure) });
    const [kind, key, code] = c.figure.split(':');
    if (kind === 'breakdown' && code !== 'total') (byBreakdown.get(key) ?? byBreakdown.set(key, new Map()).get(key)!).set(code, plan.cells.length - 1);
  }
  for (const [key, cells] of byBreakdown) {
    const bd = ctx.ret.breakdowns[key];
    const otherAt = cells.get(DEFAULT_OTHER);
    for (const row of bd.rows as PlacedRow[]) {
      if (cells.has(row.code)) continue;
      const fix = `add a cell for breakdown:${key}:${row.code} to the mapping`;
      if (row.count === 0) {
        if (!row.retired && row.code !== NR) warnings.push(`"${row.label}" (${row.code}) has no cell in ${bd.title}: nothing is counted for it in ${year}. If it will be used, ${fix}`);
      } else if (otherAt !== undefined && row.code !== NR) {
        const other = plan.cells[otherAt];
        other.value = Number(other.value ?? 0) + row.count;
        warnings.push(`"${row.label}" (${row.code}), ${row.count}, is counted in "Other" (${other.sheet}!${other.cell}) in ${bd.title}: to give it a cell of its own, ${fix}`);
      } else {
        problems.push(`the template has no cell for "${row.label}" (${row.code}) in ${bd.title}, which counts ${row.count}: ${fix}${row.code === NR ? '' : ` or a cell for breakdown:${key}:${DEFAULT_OTHER} to count it in`}`);
      }
    }
  }

  // Tables written from an anchor: as many rows as the template leaves room for.
  for (const t of mapping.tables) {
    const rows: PlacedRow[] = tableRows(ctx, t.source).map((r) => ({ ...r }));
    const where = `${t.sheet}!${t.anchor}`;
    const room = `make room for ${rows.filter((r) => !r.retired || r.count > 0).length} rows at ${where} (maxRows in the mapping, and in the template)`;
    let keep = rows;
    if (keep.length > t.maxRows) keep = keep.filter((r) => r.count > 0 || !r.retired);
    // codes with nothing counted need no row: the newest go first (the end of the list), "Not recorded" last
    const zeros = keep.filter((r) => r.count === 0 && r.code !== NR).reverse();
    zeros.push(...keep.filter((r) => r.count === 0 && r.code === NR));
    for (const r of zeros) {
      if (keep.length <= t.maxRows) break;
      keep = keep.filter((x) => x !== r);
      if (!r.retired && r.code !== NR) warnings.push(`"${r.label}" (${r.code}) has no row at ${where}: nothing is counted for it in ${year}. If it will be used, ${room}`);
    }
    if (keep.length > t.maxRows) {
      const otherCode = t.other ?? DEFAULT_OTHER;
      const other = keep.find((r) => r.code === otherCode);
      if (!other) {
        problems.push(`the template leaves room for ${t.maxRows} rows at ${where} but ${t.source} has ${keep.length} rows with a count, and no "${otherCode}" row to count the rest in: ${room}`);
        continue;
      }
      for (let i = keep.length - 1; keep.length > t.maxRows && i >= 0; i--) {
        const r = keep[i];
        if (r === other || r.code === NR) continue;
        other.count += r.count;
        keep = keep.filter((x) => x !== r);
        warnings.push(`"${r.label}" (${r.code}), ${r.count}, is counted in "${other.label}" at ${where}: to give it a row of its own, ${room}`);
      }
      if (keep.length > t.maxRows) {
        problems.push(`the template leaves room for ${t.maxRows} rows at ${where} but ${t.source} needs ${keep.length}: ${room}`);
        continue;
      }
    }
    plan.tables.push({ sheet: t.sheet, anchor: t.anchor, countOffset: t.countOffset, total: t.total, rows: keep.map((r) => ({ label: r.label, count: r.count })) });
  }
  return plan;
}

/**
 * Fills a copy of the template from the mapping (planWorkbook). Refuses (ReturnExportError)
 * when the return does not reconcile or a counted figure has nowhere to go.
 */
export async function fillWorkbook(templatePath: string, mapping: Mapping, ctx: FigureContext): Promise<Buffer> {
  const plan = planWorkbook(mapping, ctx);
  if (plan.problems.length) throw new ReturnExportError(plan.problems);
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.readFile(templatePath);
  const sheet = (name: string) => {
    const ws = wb.getWorksheet(name);
    if (!ws) throw new ReturnExportError([`the template has no sheet called "${name}"`]);
    return ws;
  };
  for (const c of plan.cells) sheet(c.sheet).getCell(c.cell).value = xlsxCell(c.value);
  for (const t of plan.tables) {
    const ws = sheet(t.sheet);
    const { col, row } = splitCell(t.anchor);
    t.rows.forEach((r, i) => {
      ws.getCell(row + i, col).value = xlsxCell(r.label);
      ws.getCell(row + i, col + t.countOffset).value = r.count;
    });
    if (t.total) {
      ws.getCell(row + t.rows.length, col).value = 'Total';
      ws.getCell(row + t.rows.length, col).font = { bold: true };
      const total = ws.getCell(row + t.rows.length, col + t.countOffset);
      total.value = t.rows.reduce((s, r) => s + r.count, 0);
      total.font = { bold: true };
    }
  }
  return Buffer.from(await wb.xlsx.writeBuffer());
}
