import type { CodeLists } from '../codes/code-lists.js';
import { COLUMN_BY_NAME, COLUMN_NAMES, type ColumnSpec } from '../interchange/columns.js';
import type { InterchangeTable } from '../interchange/read.js';
import { interchangeChecker, MAX_PROBLEMS, type InterchangeChecker, type InterchangePlan, type Problem } from '../interchange/validate.js';
import { parseFreeDate } from './dates.js';
import type { TrackerColumn, TrackerHeader } from './header.js';
import {
  isPlaceholder, KEEP, needsChoice, needsValues, sourcesOf, splitCodes, UNBORN, unbornMark, valueKey, valueResolver, type TrackerMapping, type ValueResolver,
} from './mapping.js';
import { pacer } from '../common/next-turn.js';

// Turns a tracker's rows into interchange rows through a mapping: values converted to
// what the interchange file takes (dates to YYYY-MM-DD, labels to codes, yes/no to Y/N),
// every value that cannot be converted reported against the tracker's row and column.
//
// Row numbers are kept: the interchange table's row n is the tracker's row n (rows above
// the data are blank and so not counted), so every problem the interchange checks report,
// including "on row 7" inside a message, is the tracker's own row number.
//
// Rows that are not data are skipped and listed (on the preview and by the command line),
// not reported as problems:
//  - blank rows, and rows with values only in columns that are not imported;
//  - rows with a single value anywhere, such as a sub-heading ("Closed cases") or a note;
//  - rows whose reference cell says Total, Totals, Grand total, Sum, Count, Average or Notes;
//  - rows with no reference (no referral, family or child reference) below the last row
//    of data, such as totals or notes under the table.
// Any other row without a reference is data, and reported as a problem.

export interface TrackerProblem extends Problem {
  /** the interchange column concerned, when there is one */
  field?: string;
}

export interface SkippedRow {
  row: number;
  /** the row's text, shortened */
  text: string;
  reason: string;
}

export interface TransformResult {
  table: InterchangeTable;
  /** problems with values (the interchange checks find the rest) */
  problems: TrackerProblem[];
  skipped: SkippedRow[];
  /** rows passed on as data */
  dataRows: number;
  /** interchange column → the tracker columns feeding it */
  sources: Map<string, TrackerColumn[]>;
  /** tracker columns not imported */
  ignored: TrackerColumn[];
  /** the last row checked, when checking stopped there with MAX_PROBLEMS problems found */
  stoppedAt?: number;
}

const REFERENCE_COLUMNS = ['referral_ref', 'family_ref', 'child_ref'];
const TOTALS = /^(grand\s+)?totals?\b|^sum\b|^count\b|^notes?\b|^average\b/i;
const PROGRESS_EVERY = 2000;
const SKIPPED_KEPT = 500;

const quote = (s: string) => `"${s.length > 60 ? `${s.slice(0, 57)}...` : s}"`;

type Converted = { value: string; expected?: string } | { error: string; value: string };

/**
 * One cell converted for the interchange checks, or a problem. In every column the mapping's
 * choice for the value comes first; without one, a placeholder ("N/A", "not known", "-") is
 * not recorded (never stored as a CMS ID or a name), and "Unborn" or "due 03/2024" in a date
 * of birth marks an unborn child (`expected`: the expected date of delivery, '' if none given).
 */
function convert(spec: ColumnSpec, text: string, resolver: ValueResolver, heading: string): Converted {
  if (!needsValues(spec)) {
    const choice = resolver.chosen(spec, text);
    if (choice === '') return { value: '' };
    if (choice === KEEP && (spec.kind === 'text' || spec.kind === 'ref')) return { value: text };
    if (spec.name === 'date_of_birth') {
      const expected = unbornMark(text, parseFreeDate);
      if (choice === UNBORN || (choice === undefined && expected !== null)) return { value: '', expected: expected ?? '' };
    }
    if (spec.kind === 'text' && isPlaceholder(text)) return { value: '' };
  }
  switch (spec.kind) {
    case 'date': {
      if (isPlaceholder(text)) return { value: '' };
      const d = parseFreeDate(text);
      return d ? { value: d } : { error: `${quote(text)} in ${heading} is not a date that can be read. Write it like 3 March 2024, 03/03/2024 or 2024-03-03`, value: text };
    }
    case 'dates': {
      const out: string[] = [];
      for (const part of text.split(/[;\n\r]+|,\s*(?=\d)|\s+and\s+|\s+&\s+/i).map((s) => s.trim()).filter(Boolean)) {
        if (isPlaceholder(part)) continue;
        const d = parseFreeDate(part);
        if (!d) return { error: `${quote(part)} in ${heading} is not a date that can be read. Separate several dates with ;`, value: text };
        out.push(d);
      }
      return { value: out.join(';') };
    }
    case 'count': {
      if (isPlaceholder(text)) return { value: '' };
      const t = text.trim().toLowerCase();
      if (/^\d+(\.0+)?$/.test(t)) return { value: String(parseInt(t, 10)) };
      if (t === 'nil' || t === 'zero' || t === 'no') return { value: '0' };
      return { error: `${quote(text)} in ${heading} is not a number of people. Write a whole number, 0 or more`, value: text };
    }
    case 'code':
    case 'yesno': {
      const r = resolver.resolve(spec, text);
      if ('value' in r) return { value: r.value };
      return { error: unmappedMessage(spec, text, heading), value: text };
    }
    case 'codes': {
      const out: string[] = [];
      for (const part of splitCodes(text, (p) => resolver.ours(spec, p) !== null)) {
        const r = resolver.resolve(spec, part);
        if (!('value' in r)) return { error: unmappedMessage(spec, part, heading), value: text };
        if (r.value) out.push(r.value);
      }
      return { value: [...new Set(out)].join(';') };
    }
    default:
      return { value: text };
  }
}

function unmappedMessage(spec: ColumnSpec, value: string, heading: string): string {
  return spec.kind === 'yesno'
    ? `${quote(value)} in ${heading} is not yes or no. Choose what it means in the mapping`
    : `${quote(value)} in ${heading} is not one of our ${spec.name.replace(/_/g, ' ')} codes or labels. Choose the code it means in the mapping`;
}

const headingOf = (cols: TrackerColumn[]) => cols.map((c) => `"${c.name}"`).join(' / ');
const rowText = (cells: string[]) => {
  const t = cells.filter((c) => c && c.trim()).join(' | ');
  return t.length > 100 ? `${t.slice(0, 97)}...` : t;
};

/**
 * The tracker's data rows as an interchange table, with problems and the rows skipped.
 * Lets other requests in every few milliseconds; `onRows` hears how many rows are done every few thousand.
 */
export async function toInterchange(
  rows: string[][],
  header: TrackerHeader,
  mapping: TrackerMapping,
  codes: CodeLists,
  onRows?: (rowsChecked: number) => void | Promise<void>,
): Promise<TransformResult> {
  let table: InterchangeTable = { header: [], rows: [] };
  const rest = await convertRows(rows, header, mapping, codes, onRows, (targets) => {
    table = { header: targets, rows: [] };
    return (cells, row) => {
      // Row n of the table is row n of the tracker: rows above the data are blank.
      while (table.rows.length < row - 2) table.rows.push([]);
      table.rows.push(cells ?? []);
    };
  });
  return { table, ...rest };
}

/**
 * toInterchange and the interchange checks together, a row at a time: the converted rows
 * go straight to the checks and are not kept (a large tracker's rows are held once, not twice).
 */
export async function checkTracker(
  rows: string[][],
  header: TrackerHeader,
  mapping: TrackerMapping,
  codes: CodeLists,
  onRows?: (rowsChecked: number) => void | Promise<void>,
): Promise<Omit<TransformResult, 'table'> & { plan: InterchangePlan }> {
  let checker: InterchangeChecker | null = null;
  const rest = await convertRows(rows, header, mapping, codes, onRows, (targets) => {
    const c = interchangeChecker(targets, codes);
    checker = c;
    return (cells, row) => cells && c.add(cells, row);
  }, () => checker?.problemCount() ?? 0);
  return { ...rest, plan: await checker!.finishInTurns() };
}

/** Hears each row below the headings: its interchange cells, or null for a blank or skipped row. */
type RowSink = (cells: string[] | null, row: number) => void;

async function convertRows(
  rows: string[][],
  header: TrackerHeader,
  mapping: TrackerMapping,
  codes: CodeLists,
  onRows: ((rowsChecked: number) => void | Promise<void>) | undefined,
  start: (targets: string[]) => RowSink,
  /** problems found beyond these conversions (the checks the rows go on to) */
  foundBeyond: () => number = () => 0,
): Promise<Omit<TransformResult, 'table'>> {
  const sources = sourcesOf(mapping, header.columns);
  // A date-of-birth column may say a child is unborn and when they are due: the expected date goes to its own column.
  const derived = sources.has('date_of_birth') && !sources.has('expected_date_of_birth') ? ['expected_date_of_birth'] : [];
  const targets = COLUMN_NAMES.filter((c) => sources.has(c) || derived.includes(c));
  const specs = targets.map((c) => COLUMN_BY_NAME.get(c)!);
  const from = targets.map((c) => sources.get(c) ?? []);
  const expectedAt = targets.indexOf('expected_date_of_birth');
  const headings = from.map(headingOf);
  const mappedIndexes = new Set(from.flat().map((c) => c.index));
  const ignored = header.columns.filter((c) => !mappedIndexes.has(c.index));
  const refPositions = targets.map((t, i) => (REFERENCE_COLUMNS.includes(t) ? i : -1)).filter((i) => i >= 0);
  const resolver = valueResolver(codes, mapping);
  const caches = specs.map((s) => (s.kind === 'ref' || s.kind === 'text' ? null : new Map<string, Converted>()));

  const cellOf = (cells: string[], i: number): string => {
    const cols = from[i];
    if (cols.length === 1) return (cells[cols[0].index] ?? '').trim();
    return cols.map((c) => (cells[c.index] ?? '').trim()).filter(Boolean).join(';');
  };

  const valuesIn = (cells: string[]) => {
    let n = 0;
    for (const c of cells) if (c && c.trim()) n += 1;
    return n;
  };
  const isTotals = (cells: string[]) => refPositions.some((i) => TOTALS.test(cellOf(cells, i)));
  // The last row of data with a reference: rows without one below it are notes or totals.
  let lastWithRef = header.row;
  for (let r = rows.length; r > header.row; r--) {
    const cells = rows[r - 1];
    if (cells?.length && refPositions.some((i) => cellOf(cells, i)) && valuesIn(cells) > 1 && !isTotals(cells)) {
      lastWithRef = r;
      break;
    }
  }

  const emit = start(targets);
  const problems: TrackerProblem[] = [];
  const skipped: SkippedRow[] = [];
  let skippedCount = 0;
  let dataRows = 0;
  const skip = (row: number, cells: string[], reason: string) => {
    skippedCount += 1;
    if (skipped.length < SKIPPED_KEPT) skipped.push({ row, text: rowText(cells), reason });
  };
  const pace = pacer();
  let stoppedAt: number | undefined;
  for (let r = header.row + 1; r <= rows.length; r++) {
    const cells = rows[r - 1] ?? [];
    if ((r - header.row) % PROGRESS_EVERY === 0) await onRows?.(r - header.row);
    if (pace.due()) await pace.pause();
    if (!cells.length || cells.every((c) => !c || !c.trim())) {
      emit(null, r);
      continue;
    }
    const raw = targets.map((_, i) => cellOf(cells, i));
    const filled = raw.filter(Boolean).length;
    const refs = refPositions.map((i) => raw[i]).filter(Boolean);
    let reason: string | null = null;
    if (!filled) reason = 'Values only in columns that are not imported';
    else if (valuesIn(cells) === 1) reason = 'A single value (a heading or a note)';
    else if (refs.some((v) => TOTALS.test(v))) reason = 'A totals or notes row';
    else if (!refs.length && r > lastWithRef) reason = 'No reference, below the last row of data (totals or notes)';
    if (reason) {
      skip(r, cells, reason);
      emit(null, r);
      continue;
    }
    dataRows += 1;
    const out: string[] = new Array(targets.length);
    let expected = '';
    for (let i = 0; i < targets.length; i++) {
      const text = raw[i];
      if (!text) {
        out[i] = '';
        continue;
      }
      const cache = caches[i];
      let c = cache?.get(text);
      if (!c) {
        c = convert(specs[i], text, resolver, headings[i]);
        cache?.set(text, c);
      }
      if ('error' in c) problems.push({ row: r, column: from[i].map((f) => f.name).join(' / '), value: text, message: c.error, field: targets[i] });
      out[i] = c.value;
      if ('expected' in c && c.expected) expected = c.expected;
    }
    // an unborn mark in the date of birth: the expected date, unless the tracker's own column gives one
    if (expected && expectedAt >= 0 && !out[expectedAt]) out[expectedAt] = expected;
    emit(out, r);
    if (problems.length + foundBeyond() >= MAX_PROBLEMS) {
      stoppedAt = r;
      break;
    }
  }
  await onRows?.(rows.length - header.row);
  if (skippedCount > skipped.length) {
    skipped.push({ row: 0, text: '', reason: `and ${(skippedCount - skipped.length).toLocaleString('en-GB')} more rows skipped` });
  }
  return { problems, skipped, dataRows, sources, ignored, ...(stoppedAt ? { stoppedAt } : {}) };
}

export interface UnmappedValue {
  /** as first written in the tracker */
  value: string;
  key: string;
  count: number;
  firstRow: number;
}

/**
 * For each imported code or yes/no column, the distinct values that are neither one of our
 * codes or labels nor mapped yet (`all`: every distinct value not one of ours, mapped or
 * not, so a saved choice can be changed).
 */
export function valuesToMap(
  rows: string[][],
  header: TrackerHeader,
  mapping: TrackerMapping,
  codes: CodeLists,
  opts: { all?: boolean } = {},
): Map<string, UnmappedValue[]> {
  const sources = sourcesOf(mapping, header.columns);
  const resolver = valueResolver(codes, mapping);
  const out = new Map<string, Map<string, UnmappedValue>>();
  for (const [target, cols] of sources) {
    const spec = COLUMN_BY_NAME.get(target);
    if (!spec || spec.kind === 'ref') continue;
    const coded = needsValues(spec);
    const found = new Map<string, UnmappedValue>();
    out.set(target, found);
    // Code and yes/no columns: values not ours (and not mapped yet). Other columns: placeholders,
    // unborn marks and dates that cannot be read, for which no choice is saved yet.
    const asks = coded
      ? (text: string) => (opts.all ? resolver.ours(spec, text) === null : 'unmapped' in resolver.resolve(spec, text))
      : (text: string) => needsChoice(spec, text, parseFreeDate) && (opts.all || resolver.chosen(spec, text) === undefined);
    const note = (text: string, r: number) => {
      const key = valueKey(text);
      if (!key) return;
      const v = found.get(key);
      if (v) v.count += 1;
      else if (asks(text)) found.set(key, { value: text.trim(), key, count: 1, firstRow: r });
    };
    for (let r = header.row + 1; r <= rows.length; r++) {
      const cells = rows[r - 1];
      if (!cells?.length) continue;
      for (const c of cols) {
        const text = (cells[c.index] ?? '').trim();
        if (!text) continue;
        if (spec.kind === 'codes') for (const p of splitCodes(text, (p) => resolver.ours(spec, p) !== null)) note(p, r);
        else note(text, r);
      }
    }
  }
  const result = new Map<string, UnmappedValue[]>();
  for (const [target, found] of out) {
    if (found.size) result.set(target, [...found.values()].sort((a, b) => b.count - a.count || a.value.localeCompare(b.value)));
  }
  return result;
}
