import { isUtf8 } from 'node:buffer';
import type { Knex } from 'knex';
import { loadCodeLists } from '../codes/code-lists.js';
import type { ImportSummary } from '../interchange/apply.js';
import { COLUMN_BY_NAME, COLUMN_NAMES } from '../interchange/columns.js';
import { InterchangeReadError } from '../interchange/read.js';
import type { Problem } from '../interchange/validate.js';
import { detectHeader, headerAt, headerForMapping, headingKey, type TrackerColumn, type TrackerHeader } from './header.js';
import { knownHeading, mappingProblems, parseMapping, type TrackerMapping } from './mapping.js';
import { readTracker, type TrackerSheet } from './read.js';
import { getMapping, touchMapping } from './store.js';
import { checkTracker, type SkippedRow, type TrackerProblem } from './transform.js';
import { applyInParts } from '../interchange/parts.js';

// Importing any tracker spreadsheet: read it (CSV or .xlsx, headings found wherever they
// are), map its columns and values onto the interchange file's through a saved or given
// mapping, then the interchange import's own checks, dry run, all-or-nothing apply and
// idempotence (server/interchange). Every problem names the tracker's own row number and
// column heading.

export type { TrackerMapping } from './mapping.js';
export type { TrackerProblem, SkippedRow } from './transform.js';
export type { TrackerHeader, TrackerColumn } from './header.js';

export type TrackerPhase = 'reading' | 'checking' | 'writing' | 'done';

export interface TrackerProgress {
  phase: TrackerPhase;
  /** rows of the sheet read so far */
  rowsRead: number;
  /** rows below the headings checked so far */
  rowsChecked: number;
  /** rows below the headings, once the file has been read */
  rowsTotal: number | null;
}

export interface TrackerImportOptions {
  filename?: string;
  /** a saved mapping (tracker_mappings.id) … */
  mappingId?: number;
  /** … or a mapping given directly (e.g. from a JSON file) */
  mapping?: TrackerMapping;
  /** the importing user, recorded on every audit row; null for the command line */
  userId: number | null;
  /** check and report; write nothing */
  dryRun?: boolean;
  /** hears progress as rows are read and checked; may be async (it is awaited) */
  onProgress?: (p: TrackerProgress) => void | Promise<void>;
  /** heading rows chosen by the user; otherwise found by matching the mapping's headings */
  header?: { row: number; depth: number };
  /** an already-read sheet of the same content (the web pages keep one between steps) */
  sheet?: TrackerSheet;
}

export interface TrackerImportOutcome {
  summary: ImportSummary;
  /** what cannot be stored: any one refuses the whole file */
  problems: TrackerProblem[];
  /** a child's details that differ between rows: the latest referral's are kept */
  warnings: TrackerProblem[];
  /** the data-quality rules' findings: imported as they stand, then listed on the quality report */
  findings: (TrackerProblem & { rule: string })[];
  /** whether anything was written */
  applied: boolean;
  /** where the headings were found (null when they could not be) */
  header: TrackerHeader | null;
  /** rows below the headings that were not data (blank rows are not listed) */
  skipped: SkippedRow[];
  /** tracker columns not imported */
  ignored: string[];
  /** the last row checked, when checking stopped there with MAX_PROBLEMS problems found */
  stoppedAt?: number;
}

const emptySummary = (rows = 0): ImportSummary => ({
  rows,
  families: { create: 0, update: 0, unchanged: 0 },
  children: { create: 0, update: 0, unchanged: 0 },
  referrals: { create: 0, update: 0, unchanged: 0 },
});

/** Reads a tracker, turning an unreadable file into the error it is. */
export async function readTrackerFile(content: Buffer, filename = '', onRows?: (rowsRead: number) => void | Promise<void>, signal?: AbortSignal): Promise<TrackerSheet | { error: Problem }> {
  try {
    return await readTracker(toUtf8(content, filename), filename, onRows && ((p) => onRows(p.rowsRead)), { signal });
  } catch (e) {
    if (!(e instanceof InterchangeReadError)) throw e;
    return { error: { row: e.row ?? 0, column: '', value: '', message: e.message } };
  }
}

/**
 * A CSV saved by Excel as "CSV (Comma delimited)" is in Windows-1252, not UTF-8: it is
 * read as such (the interchange file itself insists on UTF-8).
 */
export function toUtf8(content: Buffer, filename = ''): Buffer {
  if ((content.length >= 4 && (content.readUInt32BE(0) === 0x504b0304 || content.readUInt32BE(0) === 0xd0cf11e0)) || /\.xlsx$/i.test(filename)) return content;
  if (isUtf8(content)) return content; // checked without decoding: a large file took a third of a second
  return Buffer.from(new TextDecoder('windows-1252').decode(content), 'utf8');
}

/** Where the headings are: as chosen, as the mapping remembers, or wherever the mapping's headings are found. */
export function locateHeader(sheet: TrackerSheet, mapping: TrackerMapping | null, chosen?: { row: number; depth: number }): TrackerHeader | null {
  if (chosen) return headerAt(sheet.rows, sheet.merges, chosen.row, chosen.depth);
  if (!mapping) {
    const found = detectHeader(sheet.rows, sheet.merges, knownHeading);
    return found ? found.header : null;
  }
  const names = new Set(Object.keys(mapping.columns).map(headingKey));
  if (mapping.header && mapping.header.row <= sheet.rows.length) {
    const h = headerAt(sheet.rows, sheet.merges, mapping.header.row, mapping.header.depth);
    if (h.columns.filter((c) => names.has(headingKey(c.name))).length === names.size) return h;
  }
  return headerForMapping(sheet.rows, sheet.merges, names)?.header ?? null;
}

/** Quotes a problem's interchange column names as the tracker headings that feed them. */
function renamer(sources: Map<string, { name: string }[]>) {
  const names = COLUMN_NAMES.filter((c) => sources.has(c)).sort((a, b) => b.length - a.length);
  const re = names.length ? new RegExp(`\\b(${names.join('|')})\\b`, 'g') : null;
  return (message: string) => (re ? message.replace(re, (c) => sources.get(c)!.map((s) => `"${s.name}"`).join(' / ')) : message);
}

/**
 * An interchange check's problem, warning or finding in the tracker's terms: its column as the
 * tracker headings that feed it, its value as the tracker cell (when `cells` are at hand).
 */
function inTrackerTerms(sources: Map<string, TrackerColumn[]>, cells: string[][] | null) {
  const rename = renamer(sources);
  return <P extends Problem>(p: P): P & TrackerProblem => {
    const from = sources.get(p.column);
    const single = from?.length === 1 ? from[0] : null;
    const raw = single && p.row > 0 && cells ? (cells[p.row - 1]?.[single.index] ?? '').trim() : null;
    return Object.assign({}, p, {
      column: from ? from.map((f) => f.name).join(' / ') : p.column,
      value: raw ?? p.value,
      message: rename(p.message),
      ...(COLUMN_BY_NAME.has(p.column) ? { field: p.column } : {}),
    });
  };
}

/** The conversions' problems and the interchange checks' (in the tracker's terms), one per cell. */
function allProblems(t: { problems: TrackerProblem[]; sources: Map<string, TrackerColumn[]> }, checks: Problem[], trackerTerms: (p: Problem) => TrackerProblem): TrackerProblem[] {
  const seen = new Set(t.problems.map((p) => `${p.row}|${p.field}`));
  const problems: TrackerProblem[] = [...t.problems];
  for (const p of checks) {
    if (t.sources.get(p.column) && seen.has(`${p.row}|${p.column}`)) continue;
    problems.push(trackerTerms(p));
  }
  return problems;
}

/** Problems in the tracker's order: by row, then by the column's place in the tracker. */
function sortProblems(problems: TrackerProblem[], header: TrackerHeader): TrackerProblem[] {
  const order = new Map(header.columns.map((c, i) => [c.name, i]));
  return problems.sort((a, b) => a.row - b.row || (order.get(a.column.split(' / ')[0]) ?? 1e6) - (order.get(b.column.split(' / ')[0]) ?? 1e6));
}

/**
 * Imports a tracker spreadsheet through a mapping: reads it, finds its headings, converts
 * its rows, checks them all and (unless a dry run, and only when there is no problem at
 * all) applies them in one transaction. Importing the same file again changes nothing.
 */
export async function importTracker(db: Knex, content: Buffer, opts: TrackerImportOptions): Promise<TrackerImportOutcome> {
  const fail = (problems: TrackerProblem[], header: TrackerHeader | null = null): TrackerImportOutcome => ({
    summary: emptySummary(), problems, warnings: [], findings: [], applied: false, header, skipped: [], ignored: [],
  });
  let mapping: TrackerMapping;
  let mappingName: string | null = null;
  if (opts.mapping) {
    const parsed = parseMapping(opts.mapping);
    if ('error' in parsed) return fail([{ row: 0, column: '', value: '', message: parsed.error }]);
    mapping = parsed.mapping;
  } else if (opts.mappingId !== undefined) {
    const saved = await getMapping(db, opts.mappingId);
    if (!saved) return fail([{ row: 0, column: '', value: '', message: `There is no saved mapping ${opts.mappingId}` }]);
    mapping = saved.mapping;
    mappingName = saved.name;
  } else throw new Error('importTracker needs a mapping or a mappingId');

  const progress: TrackerProgress = { phase: 'reading', rowsRead: 0, rowsChecked: 0, rowsTotal: null };
  const report = async (p: Partial<TrackerProgress>) => {
    Object.assign(progress, p);
    await opts.onProgress?.({ ...progress });
  };

  await report({});
  // A variable, so the rows can be let go before writing (an async function keeps its locals).
  let sheet: TrackerSheet | { error: Problem } | null = opts.sheet ?? (await readTrackerFile(content, opts.filename, (rowsRead) => report({ rowsRead })));
  if ('error' in sheet) return fail([sheet.error]);
  await report({ rowsRead: sheet.rows.length });

  const header = locateHeader(sheet, mapping, opts.header);
  if (!header) {
    return fail([{ row: 0, column: '', value: '', message: 'None of the mapping’s column headings were found in the first 30 rows of the file. Check it is the right file, or change the mapping' }]);
  }
  const headerProblems = mappingProblems(mapping, header.columns);
  if (headerProblems.length) return fail(headerProblems.map((p) => ({ row: header.row, column: p.column, value: '', message: p.message })), header);

  const rowsTotal = Math.max(0, sheet.rows.length - header.row);
  await report({ phase: 'checking', rowsTotal });
  const codes = await loadCodeLists(db);
  const t = await checkTracker(sheet.rows, header, mapping, codes, (rowsChecked) => report({ rowsChecked }));
  const plan = t.plan;
  await report({ rowsChecked: rowsTotal });

  if (t.stoppedAt) {
    // Checking stopped at MAX_PROBLEMS: nothing will be imported, and the database need not be asked.
    const problems = sortProblems(allProblems(t, plan.problems, inTrackerTerms(t.sources, sheet.rows)), header);
    return { ...fail(problems, header), stoppedAt: t.stoppedAt, skipped: t.skipped, ignored: t.ignored.map((c) => c.name) };
  }
  const dryRun = !!opts.dryRun || t.problems.length > 0 || plan.problems.length > 0;
  const label = `${opts.filename ?? 'tracker'} (tracker${mappingName ? `, mapping "${mappingName}"` : ''})`;
  // Only the problems need the sheet's cells again: without any, let the rows go before writing.
  const cells = t.problems.length || plan.problems.length ? sheet.rows : null;
  // eslint-disable-next-line no-useless-assignment -- drops the only reference to the rows, so they can be collected while writing
  sheet = null;
  if (!dryRun) await report({ phase: 'writing' });
  const result = await applyInParts(db, plan, { userId: opts.userId, dryRun, filename: label });
  if (result.applied && opts.mappingId !== undefined) await touchMapping(db, opts.mappingId);

  // The interchange checks' problems, warnings and findings in the tracker's terms (its rows
  // are the interchange rows: see checkTracker); one problem per cell.
  const trackerTerms = inTrackerTerms(t.sources, cells);
  const problems = sortProblems(allProblems(t, result.problems, trackerTerms), header);
  await report({ phase: 'done' });
  return {
    summary: { ...result.summary, rows: t.dataRows },
    problems,
    warnings: result.warnings.map(trackerTerms),
    findings: result.findings.map(trackerTerms),
    applied: result.applied && !problems.length,
    header,
    skipped: t.skipped,
    ignored: t.ignored.map((c) => c.name),
  };
}
