import { setOwn } from '../common/own.js';
import { z } from 'zod';
import type { CodeLists } from '../codes/code-lists.js';
import { COLUMN_BY_NAME, COLUMNS, REQUIRED_COLUMNS, type ColumnSpec } from '../interchange/columns.js';
import { headingKey, type TrackerColumn } from './header.js';

// A tracker mapping: which interchange column each tracker column feeds (or none), and
// which of our codes each of the tracker's own labels means. Saved with a name and used
// again for the next file laid out the same way.

export interface TrackerMapping {
  /** tracker column heading (as shown) → interchange column, or null for "do not import" */
  columns: Record<string, string | null>;
  /**
   * tracker column heading → further interchange columns it gives as well (a tracker with an
   * "FGC date" and no plan date: the plan date is the conference date)
   */
  also?: Record<string, string[]>;
  /**
   * interchange column → tracker value (see valueKey) → code, Y or N, or '' for "not recorded";
   * in a column with no code list also KEEP ("keep as written") or UNBORN (a date of birth
   * column: an unborn child, the expected date read from the text when it has one)
   */
  values: Record<string, Record<string, string>>;
  /** where the headings were: tried first on the next file */
  header?: { row: number; depth: number };
}

export const mappingSchema = z.object({
  columns: z.record(z.string().max(300), z.string().max(60).nullable()),
  also: z.record(z.string().max(300), z.array(z.string().max(60)).max(3)).optional(),
  values: z.record(z.string().max(60), z.record(z.string().max(500), z.string().max(60))).default({}),
  header: z.object({ row: z.number().int().min(1).max(1000), depth: z.number().int().min(1).max(3) }).optional(),
});

/** A mapping from JSON (a file or the database), or a message saying what is wrong with it. */
export function parseMapping(json: unknown): { mapping: TrackerMapping } | { error: string } {
  const r = mappingSchema.safeParse(json);
  if (!r.success) {
    const i = r.error.issues[0];
    return { error: `The mapping is not valid: ${i.path.join('.') || 'the file'}: ${i.message}` };
  }
  for (const [heading, col] of Object.entries(r.data.columns)) {
    if (col !== null && !COLUMN_BY_NAME.has(col)) return { error: `The mapping sends "${heading}" to ${col}, which is not an interchange column` };
  }
  for (const [heading, cols] of Object.entries(r.data.also ?? {})) {
    for (const col of cols) if (!COLUMN_BY_NAME.has(col)) return { error: `The mapping sends "${heading}" to ${col} as well, which is not an interchange column` };
  }
  return { mapping: r.data as TrackerMapping };
}

/** Tracker values are matched ignoring case, spacing and surrounding quotes. */
export const valueKey = (s: string) => s.replace(/\s+/g, ' ').trim().replace(/^["']+|["']+$/g, '').trim().toLowerCase();

/** Kinds of column whose values may need mapping onto ours. */
export const MAPPED_VALUE_KINDS = new Set(['code', 'codes', 'yesno']);
export const needsValues = (spec: ColumnSpec | undefined) => !!spec && MAPPED_VALUE_KINDS.has(spec.kind);
/** Several tracker columns may feed one list column ("Review 1 date", "Review 2 date"). */
export const isListKind = (spec: ColumnSpec | undefined) => !!spec && (spec.kind === 'codes' || spec.kind === 'dates');

// ---- resolving values ----------------------------------------------------------------

const YES = new Set(['y', 'yes', 'true', '1', '✓', '✔', 'ticked', 'tick']);
const NO = new Set(['n', 'no', 'false', '0', '✗', '✘']);
/** Cells that mean "nothing recorded" in a date or count column (in a code column, they are mapped like any other value). */
const PLACEHOLDERS = new Set(['-', '–', '—', 'n/a', 'na', 'n.a.', 'n/k', 'nk', 'tbc', 'tba', 'not known', 'unknown', 'none', 'not applicable', '?', '.']);
export const isPlaceholder = (s: string) => PLACEHOLDERS.has(valueKey(s));

/** Choices for a value in a column with no code list (see TrackerMapping.values). */
export const KEEP = 'keep';
export const UNBORN = 'unborn';

/** "Unborn", "due 03/2024", "EDD 12/03/2024", "expected March 2024", "pre-birth": a child not yet born. */
const UNBORN_MARK = /^\s*(unborn|not yet born|pre-?birth|pre-?natal|ante-?natal|expected|due|edd)\b[\s:.,-]*(?:date\b[\s:.,-]*)?(?:on\b|in\b)?\s*/i;

/**
 * The expected date of delivery in a date-of-birth cell that marks an unborn child: null when
 * the cell is not such a mark, '' when it gives no date. A month alone ("due 03/2024",
 * "due March 2024") is taken as the last day of that month, so a child due in the month of
 * the referral counts as unborn at referral.
 */
export function unbornMark(text: string, parseDate: (s: string) => string | null): string | null {
  const m = UNBORN_MARK.exec(text);
  if (!m) return null;
  const rest = text.slice(m[0].length).trim().replace(/[()]/g, '');
  if (!rest) return '';
  const full = parseDate(rest);
  if (full) return full;
  const month = monthOnly(rest);
  return month ?? '';
}

const MONTH_NAMES = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
function monthOnly(s: string): string | null {
  const t = s.trim().toLowerCase();
  let y: number;
  let mo: number;
  let m = /^(\d{1,2})\s*[/.-]\s*(\d{4}|\d{2})$/.exec(t); // 03/2024
  if (m) [mo, y] = [+m[1], m[2].length === 2 ? 2000 + +m[2] : +m[2]];
  else if ((m = /^(\d{4})\s*[/.-]\s*(\d{1,2})$/.exec(t))) [y, mo] = [+m[1], +m[2]]; // 2024-03
  else if ((m = /^([a-z]+)\.?\s*(\d{4}|\d{2})$/.exec(t)) && MONTH_NAMES.includes(m[1].slice(0, 3))) {
    [mo, y] = [MONTH_NAMES.indexOf(m[1].slice(0, 3)) + 1, m[2].length === 2 ? 2000 + +m[2] : +m[2]];
  } else return null;
  if (mo < 1 || mo > 12 || y < 1900 || y > 2200) return null;
  const last = new Date(Date.UTC(y, mo, 0)).getUTCDate();
  return `${y}-${String(mo).padStart(2, '0')}-${String(last).padStart(2, '0')}`;
}

/**
 * Whether a value in a column with no code list is one for the values page: a placeholder
 * ("N/A", "not known", "-"), an unborn mark in a date-of-birth column, or words where a date should be.
 */
export function needsChoice(spec: ColumnSpec, text: string, parseDate: (s: string) => string | null): boolean {
  if (MAPPED_VALUE_KINDS.has(spec.kind) || spec.kind === 'ref') return false;
  if (isPlaceholder(text)) return true;
  if (spec.name === 'date_of_birth' && unbornMark(text, parseDate) !== null) return true;
  // words where a date should be ("TBC", "awaiting", "not held"); a date with figures that cannot be read is a problem to correct in the file
  if (spec.kind === 'date' || spec.kind === 'dates') return !/\d/.test(text) && !parseDate(text);
  return false;
}

export type Resolution = { value: string } | { unmapped: true };

/**
 * Resolves one value of a code or yes/no column: our code or label (any case), else the
 * mapping's choice for it, else unmapped. Built once per import; caches per column.
 */
export function valueResolver(codes: CodeLists, mapping: TrackerMapping) {
  const byList = new Map<string, Map<string, string>>();
  const listMap = (list: string) => {
    let m = byList.get(list);
    if (!m) {
      m = new Map();
      for (const c of codes[list] ?? []) if (!m.has(valueKey(c.label))) m.set(valueKey(c.label), c.code);
      for (const c of codes[list] ?? []) m.set(c.code.toLowerCase(), c.code);
      byList.set(list, m);
    }
    return m;
  };
  const chosen = new Map<string, Map<string, string>>(
    Object.entries(mapping.values ?? {}).map(([col, vals]) => [col, new Map(Object.entries(vals).map(([k, v]) => [valueKey(k), v]))]),
  );
  /** Ours without a mapping: a code or label, or Y/N for yes/no columns. */
  const ours = (spec: ColumnSpec, key: string): string | null => {
    if (spec.kind === 'yesno') return YES.has(key) ? 'Y' : NO.has(key) ? 'N' : null;
    return listMap(spec.list!).get(key) ?? null;
  };
  return {
    ours: (spec: ColumnSpec, text: string) => ours(spec, valueKey(text)),
    /** the mapping's choice for a value of a column with no code list, if it has one */
    chosen: (spec: ColumnSpec, text: string): string | undefined => chosen.get(spec.name)?.get(valueKey(text)),
    resolve(spec: ColumnSpec, text: string): Resolution {
      const key = valueKey(text);
      const own = ours(spec, key);
      if (own !== null) return { value: own };
      const mapped = chosen.get(spec.name)?.get(key);
      if (mapped !== undefined) return { value: mapped };
      return { unmapped: true };
    },
  };
}
export type ValueResolver = ReturnType<typeof valueResolver>;

/**
 * The values in a cell of a several-codes column: split on ; or new lines, and on commas
 * unless the whole cell is one value (some labels have commas in them).
 */
export function splitCodes(text: string, whole: (part: string) => boolean): string[] {
  const parts = text.split(/[;\n\r]+/).map((s) => s.trim()).filter(Boolean);
  return parts.flatMap((p) => (p.includes(',') && !whole(p) ? p.split(',').map((s) => s.trim()).filter(Boolean) : [p]));
}

// ---- suggesting column mappings -------------------------------------------------------

/** Headings trackers use for each interchange column (lower case, as normalised by words()). */
const SYNONYMS: Record<string, string[]> = {
  referral_ref: ['referral id', 'referral ref', 'referral reference', 'referral number', 'referral no', 'fgc id', 'fgc ref', 'fgc reference', 'fgc number', 'fgc no', 'case id', 'case ref', 'case number', 'ref', 'reference', 'id'],
  family_ref: ['family id', 'family ref', 'family reference', 'family number', 'family no', 'household id', 'family group id'],
  referral_date: ['referral date', 'date of referral', 'date referred', 'date referral received', 'referral received', 'date received', 'received'],
  referral_source: ['referral source', 'source of referral', 'referrer', 'referred by', 'referring team', 'team', 'referral from', 'source'],
  stage_offered: ['stage', 'stage offered', 'stage at offer', 'stage of offer', 'stage at referral', 'level', 'legal stage', 'stage of involvement', 'case stage'],
  coordinator: ['coordinator', 'fgc coordinator', 'allocated coordinator', 'allocated to', 'worker', 'allocated worker', 'coordinator name'],
  lbp_date: ['lbp date', 'date of lbp', 'letter before proceedings', 'letter before proceedings date', 'date lbp sent', 'plo letter', 'plo letter date'],
  offer_date: ['offer date', 'date offered', 'date fgc offered', 'fgc offered', 'date of offer', 'offered'],
  consent_decision: ['consent', 'consent decision', 'consent given', 'consented', 'family consent', 'agreed to fgc', 'parents consent', 'consent outcome'],
  consent_date: ['consent date', 'date of consent', 'date consent given', 'date consented', 'decision date', 'date of decision'],
  decline_reason: ['decline reason', 'reason declined', 'reason for decline', 'reason for declining', 'reason consent not given', 'reason no consent', 'why declined', 'declined reason', 'reason for refusal'],
  consent_withdrawn_date: ['consent withdrawn', 'consent withdrawn date', 'date consent withdrawn', 'date withdrawn', 'withdrawn'],
  initial_fgc_date: ['fgc date', 'date of fgc', 'initial fgc', 'initial fgc date', 'date of initial fgc', 'conference date', 'date of conference', 'meeting date', 'date of meeting', 'date held', 'fgc held', 'date fgc held'],
  fgc_not_held_reason: ['reason not held', 'not held reason', 'reason fgc not held', 'reason fgc did not take place', 'why not held', 'reason no fgc', 'fgc not held'],
  attend_parents: ['attendance parents', 'parents', 'parents carers', 'parent carer', 'parents attended', 'no of parents'],
  attend_maternal: ['attendance maternal', 'maternal', 'maternal family', 'maternal relatives', 'maternal attended'],
  attend_paternal: ['attendance paternal', 'paternal', 'paternal family', 'paternal relatives', 'paternal attended'],
  attend_friends: ['attendance friends', 'friends', 'friends and community', 'friends community', 'friends attended'],
  attend_professionals: ['attendance professionals', 'professionals', 'professionals attended', 'no of professionals'],
  child_participation: ['child participation', 'child participated', 'child s views', 'childs views', 'child involvement', 'voice of the child', 'child attended', 'participation'],
  advocate_used: ['advocate', 'advocate used', 'advocacy', 'advocate involved'],
  interpreter_used: ['interpreter', 'interpreter used', 'interpreter needed'],
  private_family_time: ['private family time', 'pft', 'family time', 'private time'],
  plan_agreed: ['plan agreed', 'family plan agreed', 'plan', 'plan made', 'plan accepted'],
  plan_date: ['plan date', 'date plan agreed', 'plan agreed date', 'date of plan'],
  plan_sent_date: ['plan sent', 'plan sent date', 'date plan sent', 'plan distributed', 'date plan distributed', 'plan circulated'],
  plan_content: ['plan content', 'plan contents', 'plan includes', 'plan type', 'plan details', 'what the plan covers'],
  review_fgc_dates: ['review date', 'review dates', 'review fgc', 'review fgc date', 'review meeting', 'review meeting date', 'date of review', 'review'],
  closure_date: ['closure date', 'date closed', 'closed', 'case closed', 'closed date', 'end date', 'date of closure', 'closure'],
  child_ref: ['child id', 'child ref', 'child reference', 'child number', 'child no', 'young person id', 'yp id'],
  cms_id: ['cms id', 'cms number', 'cms ref', 'lcs id', 'mosaic id', 'mosaic number', 'liquidlogic id', 'eclipse id', 'swift id', 'carefirst id', 'care first id', 'person id', 'system id', 'client id', 'social care id'],
  first_name: ['first name', 'forename', 'forenames', 'given name', 'child first name', 'child s first name', 'first names'],
  last_name: ['last name', 'surname', 'child surname', 'child s surname', 'child last name'],
  date_of_birth: ['date of birth', 'dob', 'd o b', 'birth date', 'child dob', 'child s dob', 'birthday'],
  expected_date_of_birth: ['expected date of birth', 'edd', 'due date', 'expected due date', 'expected delivery date', 'unborn due date'],
  sex: ['sex', 'gender', 'child sex', 'child gender'],
  ethnicity: ['ethnicity', 'ethnic origin', 'ethnic group', 'ethnicity code', 'child ethnicity'],
  disability: ['disability', 'disabilities', 'disability type', 'disabled', 'sen disability'],
  disability_self_reported: ['disability self reported', 'self reported', 'self reported disability', 'disability self reported y n'],
  legal_status: ['legal status', 'legal status at referral', 'status at referral', 'child status', 'child legal status', 'csc status', 'status'],
  outcome_6m_legal_status: ['6 month legal status', 'legal status at 6 months', 'status at 6 months', '6 months status', '6m status', 'legal status 6 months', '6 month outcome status', '6 months legal status'],
  outcome_6m_living: ['6 month living', 'living at 6 months', 'living arrangement at 6 months', 'placement at 6 months', '6 months living', '6m living', 'where living at 6 months', '6 months living arrangement'],
  outcome_12m_legal_status: ['12 month legal status', 'legal status at 12 months', 'status at 12 months', '12 months status', '12m status', 'legal status 12 months', '12 months legal status'],
  outcome_12m_living: ['12 month living', 'living at 12 months', 'living arrangement at 12 months', 'placement at 12 months', '12 months living', '12m living', 'where living at 12 months', '12 months living arrangement'],
};

/** Lower-case words, punctuation gone, "co-ordinator" as "coordinator", "&" as "and", "mths" as "months". */
export function words(s: string): string {
  return s.toLowerCase()
    .replace(/co-?ordinator/g, 'coordinator')
    .replace(/&/g, ' and ')
    .replace(/\b(mths?|mnths?|month)\b/g, 'months')
    .replace(/([0-9])\s*m\b/g, '$1 months')
    .replace(/[^a-z0-9]+/g, ' ')
    .replace(/\bmonths\b/g, 'month')
    .trim();
}

const PHRASES: { column: string; phrase: string; tokens: Set<string> }[] = COLUMNS.flatMap((c) =>
  [c.name.replace(/_/g, ' '), ...(SYNONYMS[c.name] ?? [])].map((p) => {
    const phrase = words(p);
    return { column: c.name, phrase, tokens: new Set(phrase.split(' ')) };
  }),
);

function bigrams(s: string): Map<string, number> {
  const m = new Map<string, number>();
  const t = ` ${s} `;
  for (let i = 0; i < t.length - 1; i++) m.set(t.slice(i, i + 2), (m.get(t.slice(i, i + 2)) ?? 0) + 1);
  return m;
}

function dice(a: string, b: string): number {
  const x = bigrams(a);
  const y = bigrams(b);
  let both = 0;
  let total = 0;
  for (const [k, n] of x) {
    both += Math.min(n, y.get(k) ?? 0);
    total += n;
  }
  for (const n of y.values()) total += n;
  return total ? (2 * both) / total : 0;
}

/** How well a heading matches an interchange column, 0 to 1, and the best phrase's column. */
export function headingMatches(heading: string): { column: string; score: number }[] {
  const h = words(heading);
  if (!h) return [];
  const ht = new Set(h.split(' '));
  const best = new Map<string, number>();
  for (const p of PHRASES) {
    let score: number;
    if (p.phrase === h) score = 1;
    else {
      let shared = 0;
      for (const t of p.tokens) if (ht.has(t)) shared += 1;
      const tokenScore = (2 * shared) / (p.tokens.size + ht.size);
      score = Math.max(tokenScore, dice(h, p.phrase)) * 0.95;
      // Words of the heading that the phrase lacks count against it ("review date" is not "date").
      if (shared === p.tokens.size && shared < ht.size) score = Math.max(score, 0.7 + 0.2 * (shared / ht.size));
    }
    if (score > (best.get(p.column) ?? 0)) best.set(p.column, score);
  }
  return [...best].map(([column, score]) => ({ column, score })).sort((a, b) => b.score - a.score);
}

const SUGGEST_AT = 0.72;

/**
 * A suggested interchange column for each tracker column, or null: the best match above a
 * threshold, each interchange column taken once (list columns may take several), best
 * matches first. An interchange column's own name always matches.
 */
export function suggestColumns(columns: TrackerColumn[]): Record<string, string | null> {
  const options = columns.flatMap((c) => headingMatches(c.name).filter((m) => m.score >= SUGGEST_AT).map((m) => ({ heading: c.name, ...m })));
  options.sort((a, b) => b.score - a.score);
  const out: Record<string, string | null> = {};
  for (const c of columns) setOwn(out, c.name, null);
  const taken = new Set<string>();
  const done = new Set<string>();
  for (const o of options) {
    if (done.has(o.heading)) continue;
    if (taken.has(o.column) && !isListKind(COLUMN_BY_NAME.get(o.column))) continue;
    setOwn(out, o.heading, o.column);
    taken.add(o.column);
    done.add(o.heading);
  }
  return out;
}

/** Whether a heading is one the suggestions would recognise (helps find the heading row). */
export function knownHeading(heading: string): boolean {
  const m = headingMatches(heading)[0];
  return !!m && m.score >= 0.9;
}

// ---- checking a mapping against a file's columns --------------------------------------

export interface MappingProblem {
  /** the tracker column concerned, or the interchange column when none is */
  column: string;
  message: string;
}

/** interchange column → the tracker columns that feed it, in sheet order */
export function sourcesOf(mapping: TrackerMapping, columns: TrackerColumn[]): Map<string, TrackerColumn[]> {
  const byKey = new Map(Object.entries(mapping.columns).map(([k, v]) => [headingKey(k), v]));
  const also = new Map(Object.entries(mapping.also ?? {}).map(([k, v]) => [headingKey(k), v]));
  const out = new Map<string, TrackerColumn[]>();
  for (const c of columns) {
    const target = byKey.get(headingKey(c.name));
    if (!target) continue;
    for (const t of [target, ...(also.get(headingKey(c.name)) ?? [])]) {
      if (!out.has(t)) out.set(t, []);
      if (!out.get(t)!.includes(c)) out.get(t)!.push(c);
    }
  }
  return out;
}

/** What stops a mapping being used on these columns: required columns unmapped, one column fed twice. */
export function mappingProblems(mapping: TrackerMapping, columns: TrackerColumn[]): MappingProblem[] {
  const problems: MappingProblem[] = [];
  const sources = sourcesOf(mapping, columns);
  for (const [target, from] of sources) {
    const spec = COLUMN_BY_NAME.get(target);
    if (!spec) {
      problems.push({ column: from[0].name, message: `"${from[0].name}" is mapped to ${target}, which is not an interchange column` });
    } else if (from.length > 1 && !isListKind(spec)) {
      problems.push({ column: from[1].name, message: `"${from.map((f) => f.name).join('" and "')}" are both mapped to ${target}. Only one column can give ${target}` });
    }
  }
  for (const r of REQUIRED_COLUMNS) {
    if (!sources.has(r)) problems.push({ column: r, message: `Choose the column that gives ${r} (${REQUIRED_HINTS[r] ?? r})` });
  }
  return problems;
}

const REQUIRED_HINTS: Record<string, string> = {
  referral_ref: 'the reference of each referral',
  family_ref: 'the reference of each family',
  referral_date: 'the date each referral was received',
  child_ref: 'the reference of each child',
};

/**
 * Whether a saved mapping fits a file's columns: every column it imports is in the file,
 * and every heading in the file is one it knows (imported or not).
 */
export function mappingFits(mapping: TrackerMapping, columns: TrackerColumn[]): boolean {
  const file = new Set(columns.filter((c) => !/^Column [A-Z]+$/.test(c.name)).map((c) => headingKey(c.name)));
  const known = new Map(Object.entries(mapping.columns).map(([k, v]) => [headingKey(k), v]));
  for (const [k, v] of known) if (v && !file.has(k)) return false;
  for (const k of file) if (!known.has(k)) return false;
  return true;
}
