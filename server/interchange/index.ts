import type { Knex } from 'knex';
import { loadCodeLists } from '../codes/code-lists.js';
import type { CodeLists } from '../codes/code-lists.js';
import { pacer } from '../common/next-turn.js';
import type { ImportSummary } from './apply.js';
import { applyInParts } from './parts.js';
import { InterchangeReadError, readHeaderAndRows } from './read.js';
import { interchangeChecker, MAX_PROBLEMS, type InterchangeChecker, type InterchangePlan, type Problem } from './validate.js';
import type { ImportFinding } from './findings.js';

export type { ImportCounts, ImportSummary } from './apply.js';
export type { Problem } from './validate.js';
export type { ImportFinding } from './findings.js';
export { describeImport } from './apply.js';
export { exportCsv, exportXlsx, writeCsv, writeXlsx } from './export.js';

export interface ImportOptions {
  filename?: string;
  /** the importing user, recorded on every audit row; null for the command line */
  userId: number | null;
  /** work out and report, write nothing */
  dryRun?: boolean;
  /** stops the work (UploadAbandoned) when it aborts: the client has gone */
  signal?: AbortSignal;
}

export interface ImportOutcome {
  summary: ImportSummary;
  /** what cannot be stored: any one refuses the whole file */
  problems: Problem[];
  /** a child's details that disagree between rows: the latest referral's are kept */
  warnings: Problem[];
  /** what the data-quality rules find: imported as it stands, then listed on the quality report */
  findings: ImportFinding[];
  /** whether anything was written */
  applied: boolean;
  /** the last row checked, when checking stopped there with MAX_PROBLEMS problems found */
  stoppedAt?: number;
  /** the file could not be read at all (damaged, not a spreadsheet, beyond a limit): why, for the user */
  unreadable?: string;
}

const emptySummary = (): ImportSummary => ({
  rows: 0,
  families: { create: 0, update: 0, unchanged: 0 },
  children: { create: 0, update: 0, unchanged: 0 },
  referrals: { create: 0, update: 0, unchanged: 0 },
});

/**
 * Reads and checks the file a row at a time (its rows are not all held at once), letting
 * other requests in every few milliseconds.
 */
async function checkFile(content: Buffer | string, filename: string, codes: CodeLists, signal?: AbortSignal): Promise<InterchangePlan> {
  let checker: InterchangeChecker | null = null;
  const pace = pacer();
  let stoppedAt: number | undefined;
  for await (const r of readHeaderAndRows(content, filename, { signal })) {
    if ('header' in r) checker = interchangeChecker(r.header, codes);
    else {
      checker!.add(r.cells, r.row);
      if (checker!.problemCount() >= MAX_PROBLEMS) {
        stoppedAt = r.row;
        break;
      }
      if (pace.due()) await pace.pause();
    }
  }
  const plan = await checker!.finishInTurns(pace);
  if (stoppedAt) plan.stoppedAt = stoppedAt;
  return plan;
}

/**
 * Reads, checks and (unless a dry run, and only when there is no problem at all) applies
 * an interchange file, CSV or .xlsx, in one transaction. Importing the same file again
 * changes nothing.
 */
export async function importInterchange(db: Knex, content: Buffer | string, opts: ImportOptions): Promise<ImportOutcome> {
  let plan: InterchangePlan;
  try {
    plan = await checkFile(content, opts.filename ?? '', await loadCodeLists(db), opts.signal);
  } catch (e) {
    if (!(e instanceof InterchangeReadError)) throw e;
    return { summary: emptySummary(), problems: [{ row: e.row ?? 0, column: '', value: '', message: e.message }], warnings: [], findings: [], applied: false, unreadable: e.message };
  }
  if (plan.stoppedAt) return { summary: emptySummary(), problems: plan.problems, warnings: plan.warnings, findings: [], applied: false, stoppedAt: plan.stoppedAt };
  // Written (or checked against the database) in parts of whole families, in one transaction.
  const result = await applyInParts(db, plan, { userId: opts.userId, dryRun: !!opts.dryRun, filename: opts.filename, signal: opts.signal });
  return { summary: result.summary, problems: result.problems, warnings: result.warnings, findings: result.findings, applied: result.applied };
}
