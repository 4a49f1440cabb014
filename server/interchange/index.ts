import type { Knex } from 'knex';
import { loadCodeLists } from '../codes/code-lists.js';
import { applyPlan, type ImportSummary } from './apply.js';
import { InterchangeReadError, readInterchange } from './read.js';
import { validateInterchange, type Problem } from './validate.js';

export type { ImportCounts, ImportSummary } from './apply.js';
export type { Problem } from './validate.js';
export { describeImport } from './apply.js';
export { exportCsv, exportXlsx, writeCsv, writeXlsx } from './export.js';

export interface ImportOptions {
  filename?: string;
  /** the importing user, recorded on every audit row; null for the command line */
  userId: number | null;
  /** work out and report, write nothing */
  dryRun?: boolean;
}

export interface ImportOutcome {
  summary: ImportSummary;
  problems: Problem[];
  /** whether anything was written */
  applied: boolean;
}

const emptySummary = (): ImportSummary => ({
  rows: 0,
  families: { create: 0, update: 0, unchanged: 0 },
  children: { create: 0, update: 0, unchanged: 0 },
  referrals: { create: 0, update: 0, unchanged: 0 },
});

/**
 * Reads, checks and (unless a dry run, and only when there is no problem at all) applies
 * an interchange file, CSV or .xlsx, in one transaction. Importing the same file again
 * changes nothing.
 */
export async function importInterchange(db: Knex, content: Buffer | string, opts: ImportOptions): Promise<ImportOutcome> {
  let table;
  try {
    table = await readInterchange(content, opts.filename ?? '');
  } catch (e) {
    if (!(e instanceof InterchangeReadError)) throw e;
    return { summary: emptySummary(), problems: [{ row: e.row ?? 0, column: '', value: '', message: e.message }], applied: false };
  }
  const plan = validateInterchange(table, await loadCodeLists(db));
  const result = await applyPlan(db, plan, { userId: opts.userId, dryRun: !!opts.dryRun, filename: opts.filename });
  return { summary: result.summary, problems: result.problems, applied: result.applied };
}
