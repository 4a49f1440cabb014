import type { CodeLists } from '../codes/code-lists.js';
import { formatDate, parseDate } from '../common/dates.js';
import { pacer, type Pacer } from '../common/next-turn.js';
import type { StageFacts } from '../quality/types.js';
import type { Referral } from '../cases/types.js';
import { CODE_LIST_NAMES } from '../../db/seed/code-lists.js';
import {
  CHILD_TABLE_COLUMNS, COLUMN_BY_NAME, COLUMN_NAMES, REFERRAL_CHILD_COLUMNS, REFERRAL_TABLE_COLUMNS, REQUIRED_COLUMNS,
  type ChildTableColumn, type ColumnLevel, type ColumnSpec, type ReferralChildColumn, type ReferralTableColumn,
} from './columns.js';
import type { InterchangeTable } from './read.js';
import { unescapeCell } from '../common/spreadsheet.js';

// Pure: turns the rows of an interchange file into what it describes (families, children,
// referrals with their children) plus every problem, each pointing at a row and column.

export interface Problem {
  /** as the user sees it: header = 1, first data row = 2 (0 for the whole file) */
  row: number;
  column: string;
  value: string;
  message: string;
}

export type CellValue = string | number | boolean | string[] | (boolean | null)[] | null;

export interface PlannedFamily {
  family_ref: string;
  row: number;
}

export interface PlannedChild {
  child_ref: string;
  family_ref: string;
  /** the row whose values the child takes: on the latest referral (by date, then reference) */
  row: number;
  /** only the columns the file has; a blank cell is null */
  fields: Partial<Record<ChildTableColumn, string | boolean | null>>;
  /** undefined when the file has no disability column */
  disabilities?: string[];
}

export interface PlannedReferralChild {
  child_ref: string;
  row: number;
  fields: Partial<Record<ReferralChildColumn, string | null>>;
}

export interface PlannedReferral {
  referral_ref: string;
  family_ref: string;
  row: number;
  fields: Partial<Record<ReferralTableColumn, string | number | boolean | null>>;
  /** coordinator's email or name as written; undefined when the file has no coordinator column */
  coordinator?: string | null;
  plan_content?: string[];
  review_dates?: string[];
  /** whether the plan was working at each review, in review_dates' order; undefined when the file has no review_plan_working column */
  review_plan_working?: (boolean | null)[];
  children: PlannedReferralChild[];
  /** a cell of this referral could not be read: its data-quality checks are skipped */
  invalid?: true;
  /** the referral-level cells of its first row as written (by position in COLUMNS, where they come first), for pointing at values in problems */
  raws: string[];
}

export interface InterchangePlan {
  /** the known columns the file has */
  columns: string[];
  /** data rows, blank rows not counted */
  rowCount: number;
  families: PlannedFamily[];
  children: PlannedChild[];
  referrals: PlannedReferral[];
  /** what refuses the file: what cannot be stored */
  problems: Problem[];
  /** stored as the file says, but worth knowing: a child's details that disagree between rows */
  warnings: Problem[];
  /** the last row checked, when checking stopped there with MAX_PROBLEMS problems found */
  stoppedAt?: number;
}

/** Past this many problems checking stops: a file of bad rows is not read to its end to list them all. */
export const MAX_PROBLEMS = 1000;

/** A spreadsheet-safety apostrophe put in by our export comes off again (server/common/spreadsheet.ts). */
export { unescapeCell };

const isBlankRow = (cells: string[]) => cells.every((c) => !c || !c.trim());

type Resolver = (value: string) => string | null;

/** Code lookups by code first, then label, case-insensitive; built once per list. */
function resolvers(codes: CodeLists): (list: string) => Resolver {
  const cache = new Map<string, Resolver>();
  return (list) => {
    let r = cache.get(list);
    if (!r) {
      const byCode = new Map<string, string>();
      const byLabel = new Map<string, string>();
      for (const c of codes[list] ?? []) {
        byCode.set(c.code.toLowerCase(), c.code);
        if (!byLabel.has(c.label.toLowerCase())) byLabel.set(c.label.toLowerCase(), c.code);
      }
      r = (value) => {
        const v = value.trim().toLowerCase();
        return byCode.get(v) ?? byLabel.get(v) ?? null;
      };
      cache.set(list, r);
    }
    return r;
  };
}

const listName = (list: string) => (CODE_LIST_NAMES as Record<string, string>)[list] ?? list;

/** One cell: its value, or why it is not acceptable. Blank is null (not recorded). */
export function parseCell(col: ColumnSpec, raw: string, resolve: (list: string) => Resolver): { value: CellValue } | { error: string } {
  if (raw === '') return { value: emptyValue(col) };
  switch (col.kind) {
    case 'ref':
    case 'text':
      if (col.max && raw.length > col.max) return { error: `${col.name} must be ${col.max} characters or fewer` };
      return { value: raw };
    case 'date': {
      const d = parseDate(raw);
      return d ? { value: d } : { error: `${col.name} must be a real date, written as YYYY-MM-DD or DD/MM/YYYY` };
    }
    case 'dates': {
      const out: string[] = [];
      for (const part of raw.split(';').map((s) => s.trim()).filter(Boolean)) {
        const d = parseDate(part);
        if (!d) return { error: `"${part}" in ${col.name} is not a real date. Write dates as YYYY-MM-DD or DD/MM/YYYY, separated by ;` };
        out.push(d);
      }
      return { value: out };
    }
    case 'code': {
      const c = resolve(col.list!)(raw);
      return c ? { value: c } : { error: `"${raw}" is not a code or label in the list "${listName(col.list!)}"` };
    }
    case 'codes': {
      const out = new Set<string>();
      for (const part of raw.split(';').map((s) => s.trim()).filter(Boolean)) {
        const c = resolve(col.list!)(part);
        if (!c) return { error: `"${part}" is not a code or label in the list "${listName(col.list!)}". Separate several with ;` };
        out.add(c);
      }
      if (col.list === 'disability' && out.has('NONE') && out.size > 1) {
        return { error: 'NONE (no disability) cannot be combined with other disability codes' };
      }
      return { value: [...out].sort() };
    }
    case 'yesno': {
      const v = raw.toLowerCase();
      if (v === 'y' || v === 'yes') return { value: true };
      if (v === 'n' || v === 'no') return { value: false };
      return { error: `${col.name} must be Y or N` };
    }
    case 'yesnos': {
      const out: (boolean | null)[] = [];
      for (const part of raw.split(';').map((s) => s.trim().toLowerCase())) {
        if (part === 'y' || part === 'yes') out.push(true);
        else if (part === 'n' || part === 'no') out.push(false);
        else if (part === '') out.push(null);
        else return { error: `${col.name} must be Y, N or blank for each review, separated by ;` };
      }
      return { value: out };
    }
    case 'count': {
      if (!/^\d+$/.test(raw)) return { error: `${col.name} must be a whole number, 0 or more` };
      const n = Number(raw);
      if (col.max !== undefined && n > col.max) return { error: `${col.name} must be ${col.max} or fewer` };
      return { value: n };
    }
  }
}

const INVALID = Symbol('invalid');
type Slot = CellValue | typeof INVALID;

/** Parsed values agree: same primitive, or lists with the same members in the same (sorted) order. */
function same(a: Slot, b: Slot): boolean {
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => x === b[i]);
  return false;
}

// Columns by their position in COLUMNS, so each row is two flat arrays rather than maps.
const INDEX = new Map(COLUMN_NAMES.map((c, i) => [c, i]));
const at = (name: string) => INDEX.get(name)!;
const LEVEL = COLUMN_NAMES.map((c) => COLUMN_BY_NAME.get(c)!.level);
function emptyValue(spec: ColumnSpec): CellValue {
  return spec.kind === 'codes' || spec.kind === 'dates' || spec.kind === 'yesnos' ? [] : null;
}

/**
 * Where one level's columns are in COLUMNS, which keeps them together. The first row of
 * each referral and child is kept while the file is checked: only its own level's part
 * of the row, a fraction of the whole for tens of thousands of them.
 */
function levelSpan(level: ColumnLevel): { from: number; to: number } {
  const positions = LEVEL.flatMap((l, i) => (l === level ? [i] : []));
  const from = positions[0];
  const to = positions[positions.length - 1] + 1;
  if (positions.length !== to - from) throw new Error(`The ${level} columns must be together in COLUMNS`);
  return { from, to };
}
const REFERRAL_END = levelSpan('referral').to;
const CHILD_SPAN = levelSpan('child');
if (levelSpan('referral').from !== 0) throw new Error('The referral columns must come first in COLUMNS');

/** Checks the header: unknown or repeated columns, required ones missing. */
export function headerProblems(header: string[]): { columns: (string | null)[]; problems: Problem[] } {
  const problems: Problem[] = [];
  const seen = new Set<string>();
  const columns = header.map((h, i) => {
    const name = (h ?? '').replace(/^\uFEFF/, '').trim().toLowerCase();
    if (!name) return null;
    if (!COLUMN_BY_NAME.has(name)) {
      const near = closest(name);
      problems.push({ row: 1, column: h, value: h, message: `"${h}" is not a column of the interchange file${near ? ` (did you mean ${near}?)` : ''}` });
      return null;
    }
    if (seen.has(name)) {
      problems.push({ row: 1, column: name, value: h, message: `The column ${name} appears more than once (column ${i + 1} is a repeat)` });
      return null;
    }
    seen.add(name);
    return name;
  });
  for (const r of REQUIRED_COLUMNS) {
    if (!seen.has(r)) problems.push({ row: 1, column: r, value: '', message: `The file must have a ${r} column` });
  }
  return { columns, problems };
}

function closest(name: string): string | null {
  let best: string | null = null;
  let bestD = 3;
  for (const c of COLUMN_NAMES) {
    const d = distance(name, c);
    if (d < bestD) [best, bestD] = [c, d];
  }
  return best;
}

function distance(a: string, b: string): number {
  const prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0];
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const t = prev[j];
      prev[j] = Math.min(prev[j] + 1, prev[j - 1] + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = t;
    }
  }
  return prev[b.length];
}

interface ReferralAcc {
  planned: PlannedReferral;
  /** the referral-level part of its first row, by position in COLUMNS */
  vals: Slot[];
  raws: string[];
  invalid: boolean;
}
interface ChildAcc {
  planned: PlannedChild;
  /** the child-level part of the row it takes its details from, from CHILD_SPAN.from */
  vals: Slot[];
  raws: string[];
  /** that row's referral date and reference ('' for none): the latest wins */
  rank: { date: string; ref: string };
}

const describeRank = (r: { date: string; ref: string }) => (r.ref ? ` (referral ${r.ref}${r.date ? ` of ${formatDate(r.date)}` : ''})` : ' (on no referral)');
const describeLatest = (r: { date: string; ref: string }, row: number) =>
  r.ref ? `a child's details come from their latest referral (${r.ref}, row ${row})` : `row ${row} comes first in the file`;

/** The whole file: every problem, and (when there are none) what it describes. */
export function validateInterchange(table: InterchangeTable, codes: CodeLists): InterchangePlan {
  const checker = interchangeChecker(table.header, codes);
  for (let r = 0; r < table.rows.length; r++) checker.add(table.rows[r], r + 2);
  return checker.finish();
}

export interface InterchangeChecker {
  /** one data row (`row` as the user sees it: the first data row is 2); rows come in order */
  add(cells: string[], row: number): void;
  /** how many problems have been found so far */
  problemCount(): number;
  /** every problem, and (when there are none) what the rows describe */
  finish(): InterchangePlan;
  /** finish, letting other requests in now and then (a large file's referrals take a while) */
  finishInTurns(pace?: Pacer): Promise<InterchangePlan>;
}

/**
 * validateInterchange a row at a time, so a file can be checked as it is read without
 * holding all its rows: only the first row of each referral and child is kept.
 */
export function interchangeChecker(header: string[], codes: CodeLists): InterchangeChecker {
  const { columns, problems } = headerProblems(header);
  const known = columns.filter((c): c is string => !!c);
  const warnings: Problem[] = [];
  const plan: InterchangePlan = { columns: known, rowCount: 0, families: [], children: [], referrals: [], problems, warnings };
  const missingRequired = REQUIRED_COLUMNS.some((r) => !known.includes(r));
  const resolve = resolvers(codes);
  const has = new Set(known);
  const specs = COLUMN_NAMES.map((c) => COLUMN_BY_NAME.get(c)!);
  /** file position → column index, or -1 */
  const position = columns.map((c) => (c ? at(c) : -1));
  const presentIdx = known.map(at);
  const referralIdx = presentIdx.filter((i) => LEVEL[i] === 'referral' && i !== at('referral_ref'));
  const childIdx = presentIdx.filter((i) => LEVEL[i] === 'child' && i !== at('child_ref'));
  const childPartIdx = presentIdx.filter((i) => LEVEL[i] !== 'referral');
  const fieldsOf = <T extends string>(names: readonly T[]) => names.filter((c) => has.has(c)).map((c) => [c, at(c)] as const);
  const referralFields = fieldsOf(REFERRAL_TABLE_COLUMNS);
  const childFields = fieldsOf(CHILD_TABLE_COLUMNS).map(([c, i]) => [c, i - CHILD_SPAN.from] as const); // within ChildAcc.vals
  const linkFields = fieldsOf(REFERRAL_CHILD_COLUMNS);
  // Codes and dates repeat down a file: parse each distinct value once per column, and keep
  // one copy of its text for the rows held (the first of each referral and child).
  const caches = specs.map((sp) => (sp.kind === 'ref' || sp.kind === 'text' ? null : new Map<string, { text: string; result: ReturnType<typeof parseCell> }>()));
  const headingless = new Set<number>();
  const [iReferral, iFamily, iChild, iDate] = ['referral_ref', 'family_ref', 'child_ref', 'referral_date'].map(at);

  const families = new Map<string, PlannedFamily>();
  const referrals = new Map<string, ReferralAcc>();
  const children = new Map<string, ChildAcc>();

  function add(cells: string[], row: number): void {
    if (isBlankRow(cells)) return;
    plan.rowCount += 1;
    if (missingRequired) return;
    const vals: Slot[] = new Array(specs.length);
    const raws: string[] = new Array(specs.length);
    let referralInvalid = false;
    for (const i of presentIdx) {
      vals[i] = emptyValue(specs[i]);
      raws[i] = '';
    }
    for (let c = 0; c < cells.length; c++) {
      const cell = cells[c];
      const text = cell ? unescapeCell(cell.trim()) : '';
      const i = c < position.length ? position[c] : -1;
      if (i < 0) {
        const noHeading = c >= columns.length || !header[c]?.trim();
        if (text && noHeading && !headingless.has(c)) {
          headingless.add(c);
          problems.push({ row, column: `column ${c + 1}`, value: text, message: `Column ${c + 1} has a value but no heading in row 1` });
        }
        continue;
      }
      raws[i] = text;
      if (!text) continue;
      const cache = caches[i];
      let seen = cache?.get(text);
      if (!seen) {
        seen = { text, result: parseCell(specs[i], text, resolve) };
        cache?.set(text, seen);
      }
      raws[i] = seen.text;
      const result = seen.result;
      if ('error' in result) {
        problems.push({ row, column: specs[i].name, value: text, message: result.error });
        vals[i] = INVALID;
        if (LEVEL[i] === 'referral') referralInvalid = true;
      } else vals[i] = result.value;
    }

    const referralRef = vals[iReferral];
    const familyRef = vals[iFamily];
    const childRef = vals[iChild];
    // A row with no referral at all (every referral column blank but the family's) is a child
    // of the family who is on no referral: the export writes such children so nothing is lost.
    const onReferral = !!raws[iReferral] || referralIdx.some((i) => i !== iFamily && raws[i]);
    for (const i of onReferral ? [iReferral, iFamily, iDate] : [iFamily]) {
      if (vals[i] === null) problems.push({ row, column: specs[i].name, value: '', message: `Enter the ${specs[i].name.replace(/_/g, ' ')}` });
    }
    if (childRef === null && childPartIdx.some((i) => raws[i])) problems.push({ row, column: 'child_ref', value: '', message: 'Enter the child ref' });
    if (typeof familyRef !== 'string' || (onReferral && typeof referralRef !== 'string')) return;

    if (!families.has(familyRef)) families.set(familyRef, { family_ref: familyRef, row });

    // The referral: its first row defines it; later rows must agree.
    let ref: ReferralAcc | undefined;
    if (typeof referralRef === 'string') {
      ref = referrals.get(referralRef);
      if (!ref) {
        const referralRaws = raws.slice(0, REFERRAL_END);
        ref = {
          planned: { referral_ref: referralRef, family_ref: familyRef, row, fields: {}, children: [], raws: referralRaws },
          vals: vals.slice(0, REFERRAL_END), raws: referralRaws, invalid: referralInvalid,
        };
        referrals.set(referralRef, ref);
      } else {
        for (const i of referralIdx) {
          const first = ref.vals[i];
          const here = vals[i];
          if (first === INVALID || here === INVALID || same(first, here)) continue;
          const c = specs[i].name;
          problems.push({
            row, column: c, value: raws[i],
            message: `Referral ${referralRef} has "${ref.raws[i]}" in ${c} on row ${ref.planned.row} but "${raws[i]}" on this row. Every row of a referral must agree on ${c}`,
          });
        }
      }
    }

    if (typeof childRef !== 'string') return;
    // The child: one person, one set of details. Where rows disagree, the row of the latest
    // referral (by referral date, then reference) wins, and the disagreement is a warning.
    const date = vals[iDate];
    const rank = { date: typeof date === 'string' ? date : '', ref: typeof referralRef === 'string' ? referralRef : '' };
    let child = children.get(childRef);
    if (!child) {
      child = {
        planned: { child_ref: childRef, family_ref: familyRef, row, fields: {} },
        vals: vals.slice(CHILD_SPAN.from, CHILD_SPAN.to), raws: raws.slice(CHILD_SPAN.from, CHILD_SPAN.to), rank,
      };
      children.set(childRef, child);
    } else {
      if (child.planned.family_ref !== familyRef) {
        problems.push({
          row, column: 'family_ref', value: familyRef,
          message: `Child ${childRef} is in family ${child.planned.family_ref} on row ${child.planned.row} but in family ${familyRef} on this row. A child belongs to one family`,
        });
      }
      const later = rank.date > child.rank.date || (rank.date === child.rank.date && rank.ref > child.rank.ref);
      const [kept, keptRow, keptRank] = later ? [rank, row, 'this row'] : [child.rank, child.planned.row, `row ${child.planned.row}`];
      for (const i of childIdx) {
        const first = child.vals[i - CHILD_SPAN.from];
        const here = vals[i];
        if (first === INVALID || here === INVALID || same(first, here)) continue;
        const c = specs[i].name;
        warnings.push({
          row, column: c, value: raws[i],
          message: `Child ${childRef} has "${child.raws[i - CHILD_SPAN.from]}" in ${c} on row ${child.planned.row}${describeRank(child.rank)} but "${raws[i]}" on this row${describeRank(rank)}. `
            + `The ${keptRank === 'this row' ? 'value on this row' : `value on ${keptRank}`} is kept: ${describeLatest(kept, keptRow)}`,
        });
      }
      if (later) {
        child.vals = vals.slice(CHILD_SPAN.from, CHILD_SPAN.to);
        child.raws = raws.slice(CHILD_SPAN.from, CHILD_SPAN.to);
        child.rank = rank;
        child.planned.row = row;
      }
    }
    if (!ref) return;
    // A referral has a handful of children: a scan is cheaper than a set for each of thousands of referrals.
    if (ref.planned.children.some((c) => c.child_ref === childRef)) {
      problems.push({ row, column: 'child_ref', value: childRef, message: `Child ${childRef} appears more than once on referral ${ref.planned.referral_ref}` });
      return;
    }
    const fields = fieldsFrom(linkFields, vals) as PlannedReferralChild['fields'];
    ref.planned.children.push({ child_ref: childRef, row, fields });
  }

  /** The plan, built a record at a time: it yields (nothing) every so often, so a caller may pause between. */
  function* finishing(): Generator<void, InterchangePlan> {
    for (const f of families.values()) plan.families.push(f);
    families.clear();
    let n = 0;
    for (const c of children.values()) {
      c.planned.fields = fieldsFrom(childFields, c.vals) as PlannedChild['fields'];
      if (has.has('disability')) c.planned.disabilities = arrayOr(c.vals[at('disability') - CHILD_SPAN.from]);
      plan.children.push(c.planned);
      if (++n % 256 === 0) yield;
    }
    children.clear();
    for (const r of referrals.values()) {
      const p = r.planned;
      p.fields = fieldsFrom(referralFields, r.vals) as PlannedReferral['fields'];
      if (has.has('coordinator')) p.coordinator = valueOrNull(r.vals[at('coordinator')]) as string | null;
      if (has.has('plan_content')) p.plan_content = arrayOr(r.vals[at('plan_content')]);
      if (has.has('review_fgc_dates')) reviewsOf(p, r.vals, has.has('review_plan_working'));
      if (r.invalid) p.invalid = true;
      plan.referrals.push(p);
      if (++n % 256 === 0) yield;
    }
    referrals.clear();
    const order = (a: Problem, b: Problem) => a.row - b.row || columnIndex(a.column) - columnIndex(b.column);
    problems.sort(order);
    warnings.sort(order);
    return plan;
  }

  /** Review dates in date order, each with whether the plan was working (Y, N or blank in the same place). */
  function reviewsOf(p: PlannedReferral, vals: Slot[], withWorking: boolean) {
    const dates = arrayOr(vals[at('review_fgc_dates')]);
    const working = withWorking ? (arrayOr(vals[at('review_plan_working')]) as unknown as (boolean | null)[]) : [];
    if (working.length && working.length !== dates.length) {
      problems.push({
        row: p.row, column: 'review_plan_working', value: p.raws[at('review_plan_working')] ?? '',
        message: `review_plan_working has ${working.length} answers but review_fgc_dates has ${dates.length} dates. Give Y, N or blank for each review, in the same order`,
      });
    }
    const order = dates.map((d, i) => i).sort((a, b) => (dates[a] < dates[b] ? -1 : dates[a] > dates[b] ? 1 : a - b));
    p.review_dates = order.map((i) => dates[i]);
    if (withWorking) p.review_plan_working = order.map((i) => working[i] ?? null);
  }

  function finish(): InterchangePlan {
    const steps = finishing();
    for (;;) {
      const step = steps.next();
      if (step.done) return step.value;
    }
  }

  async function finishInTurns(pace = pacer()): Promise<InterchangePlan> {
    const steps = finishing();
    for (;;) {
      const step = steps.next();
      if (step.done) return step.value;
      await pace.maybe();
    }
  }

  return { add, finish, finishInTurns, problemCount: () => problems.length };
}

const columnIndex = (c: string) => {
  const i = COLUMN_NAMES.indexOf(c);
  return i < 0 ? COLUMN_NAMES.length : i;
};

const valueOrNull = (v: Slot | undefined) => (v === INVALID || v === undefined ? null : v);
/**
 * The named values of a row. Built by Object.fromEntries, not by assigning one key at a
 * time: V8 keeps such an object compact, where a couple of dozen keyed assignments turn it
 * into a hash table several times the size (tens of MB over a large file's referrals).
 */
const fieldsFrom = (fields: readonly (readonly [string, number])[], vals: Slot[]) => Object.fromEntries(fields.map(([col, i]) => [col, valueOrNull(vals[i])]));
const arrayOr = (v: Slot | undefined): string[] => (Array.isArray(v) ? (v as string[]) : []);

/** The stage facts of a referral as the file states it, filled in from `existing` for columns the file lacks. */
export function stageFacts(r: PlannedReferral, existing?: Partial<Referral>): StageFacts {
  const fields: Partial<Record<string, string | number | boolean | null>> = r.fields;
  // the file's values were checked against each column's type when it was read
  const pick = <F extends keyof StageFacts & keyof Referral>(f: F): StageFacts[F] =>
    ((f in fields ? fields[f] : existing?.[f]) ?? null) as StageFacts[F];
  return {
    referral_date: pick('referral_date'),
    offer_date: pick('offer_date'),
    consent_decision: pick('consent_decision'),
    consent_date: pick('consent_date'),
    decline_reason: pick('decline_reason'),
    consent_withdrawn_date: pick('consent_withdrawn_date'),
    initial_fgc_date: pick('initial_fgc_date'),
    fgc_not_held_reason: pick('fgc_not_held_reason'),
    plan_agreed: pick('plan_agreed'),
    plan_date: pick('plan_date'),
    plan_sent_date: pick('plan_sent_date'),
    plan_uploaded_date: pick('plan_uploaded_date'),
    closure_date: pick('closure_date'),
    review_dates: r.review_dates ?? existing?.review_dates ?? [],
  };
}

/** A referral-level cell as the file wrote it (on the referral's first row), or '' for a column not at referral level. */
export function referralCell(r: PlannedReferral, column: string): string {
  const i = INDEX.get(column);
  return i !== undefined && i < REFERRAL_END ? (r.raws[i] ?? '') : '';
}
