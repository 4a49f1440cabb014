import type { Knex } from 'knex';
import { loadCodeLists, type CodeLists } from '../codes/code-lists.js';
import { COLUMN_BY_NAME } from '../interchange/columns.js';
import { ownValue, setOwn } from '../common/own.js';
import { detectHeader, headerAt, HEADER_SCAN_ROWS, headingKey, type TrackerHeader } from './header.js';
import { locateHeader, readTrackerFile } from './index.js';
import {
  isPlaceholder, KEEP, knownHeading, mappingFits, mappingProblems, needsValues, suggestColumns, UNBORN, unbornMark, valueKey, words, type TrackerMapping,
} from './mapping.js';
import { parseFreeDate } from './dates.js';
import type { TrackerSheet } from './read.js';
import { createImport, getMapping, importContent, listMappings, updateImport, type TrackerImportRow } from './store.js';
import { valuesToMap, type UnmappedValue } from './transform.js';

// The steps of the mapping pages, away from HTTP: upload → headings → columns → values.
// The routes only read forms and render.

/**
 * The upload's sheet, read again from the stored file: nothing of a tracker (children's names)
 * is kept in memory between requests. Null when the file has gone or cannot be read.
 */
export async function sheetOf(db: Knex, upload: TrackerImportRow): Promise<TrackerSheet | null> {
  const content = await importContent(db, upload.id);
  if (!content?.length) return null;
  const sheet = await readTrackerFile(content, upload.filename);
  return 'error' in sheet ? null : sheet;
}

export function headerOf(sheet: TrackerSheet, upload: TrackerImportRow): TrackerHeader | null {
  return upload.header_row ? headerAt(sheet.rows, sheet.merges, upload.header_row, upload.header_depth ?? 1) : null;
}

export type NextStep = 'header' | 'columns' | 'values' | 'check';

/** A change to the headings or the mapping: the last check no longer stands. */
const UNCHECKED = { status: 'mapping' as const, result: null };

export interface Received {
  id?: number;
  error?: string;
  next?: NextStep;
  /** the saved mapping used, when one fitted */
  mappingName?: string;
  /** the sheet as read, for a check started at once (not kept after the request) */
  sheet?: TrackerSheet;
}

declare module 'express-session' {
  interface SessionData {
    /** a problem with an upload that was still received (Received.error), shown once on the next page */
    trackerNotice?: string;
  }
}

/**
 * A new upload: read it, then use the saved mapping chosen (or the first saved mapping
 * that fits its headings), else find the headings and suggest a mapping. Says which page
 * comes next: straight to the check when a saved mapping covers everything.
 */
export async function receiveUpload(db: Knex, userId: number, filename: string, content: Buffer, mappingId: number | null, signal?: AbortSignal): Promise<Received> {
  const sheet = await readTrackerFile(content, filename, undefined, signal);
  if ('error' in sheet) return { error: sheet.error.message };
  if (!sheet.rows.some((r) => r.some((c) => c && c.trim()))) return { error: 'The selected file is empty' };
  const id = await createImport(db, userId, filename, content);

  const saved = mappingId ? [await getMapping(db, mappingId)].filter((m) => !!m) : await listMappings(db);
  for (const m of saved) {
    const header = locateHeader(sheet, m!.mapping);
    if (!header || (!mappingId && !mappingFits(m!.mapping, header.columns))) continue;
    const mapping = adaptMapping(m!.mapping, header);
    await updateImport(db, id, { mapping, mapping_id: m!.id, header_row: header.row, header_depth: header.depth });
    if (mappingProblems(mapping, header.columns).length) return { id, next: 'columns', mappingName: m!.name };
    const codes = await loadCodeLists(db);
    return { id, next: valuesToMap(sheet.rows, header, mapping, codes).size ? 'values' : 'check', mappingName: m!.name, sheet };
  }
  if (mappingId) return { id, next: 'header', error: 'The headings of the saved mapping were not found in the file. Choose the row with the headings' };

  const found = detectHeader(sheet.rows, sheet.merges, knownHeading);
  if (!found) return { id, next: 'header' };
  await updateImport(db, id, {
    header_row: found.header.row,
    header_depth: found.header.depth,
    mapping: { columns: suggestColumns(found.header.columns), values: {} },
  });
  return { id, next: found.confident ? 'columns' : 'header' };
}

/** A saved mapping's headings as this file spells them (matching ignores case and spacing). */
function adaptMapping(m: TrackerMapping, header: TrackerHeader): TrackerMapping {
  const byKey = new Map(Object.entries(m.columns).map(([k, v]) => [headingKey(k), v]));
  const suggested = suggestColumns(header.columns.filter((c) => !byKey.has(headingKey(c.name))));
  const taken = new Set(Object.values(m.columns).filter(Boolean));
  const columns: Record<string, string | null> = {};
  for (const c of header.columns) {
    const key = headingKey(c.name);
    // Headings the saved mapping does not know get a suggestion, if it is not already taken.
    const suggestion = ownValue(suggested, c.name) ?? null;
    setOwn(columns, c.name, byKey.has(key) ? byKey.get(key)! : suggestion && !taken.has(suggestion) ? suggestion : null);
  }
  const also: Record<string, string[]> = {};
  const alsoByKey = new Map(Object.entries(m.also ?? {}).map(([k, v]) => [headingKey(k), v]));
  for (const c of header.columns) if (alsoByKey.has(headingKey(c.name)) && ownValue(columns, c.name)) setOwn(also, c.name, alsoByKey.get(headingKey(c.name))!);
  return { columns, also, values: m.values, header: { row: header.row, depth: header.depth } };
}

/** The rows offered as the heading row: the first non-blank rows, with their text. */
export function headingChoices(sheet: TrackerSheet) {
  const out: { row: number; text: string }[] = [];
  for (let r = 1; r <= Math.min(sheet.rows.length, HEADER_SCAN_ROWS); r++) {
    const cells = (sheet.rows[r - 1] ?? []).map((c) => c.trim()).filter(Boolean);
    if (!cells.length) continue;
    const text = cells.slice(0, 8).join(' | ');
    out.push({ row: r, text: text.length > 140 ? `${text.slice(0, 137)}...` : text });
  }
  return out;
}

/** Heading rows chosen: the mapping keeps what it had for headings it knows and suggests the rest. */
export async function chooseHeader(db: Knex, upload: TrackerImportRow, sheet: TrackerSheet, row: number, depth: number): Promise<void> {
  const header = headerAt(sheet.rows, sheet.merges, row, depth);
  const suggested = suggestColumns(header.columns);
  const before = new Map(Object.entries(upload.mapping?.columns ?? {}).map(([k, v]) => [headingKey(k), v]));
  const alsoBefore = new Map(Object.entries(upload.mapping?.also ?? {}).map(([k, v]) => [headingKey(k), v]));
  const columns: Record<string, string | null> = {};
  const also: Record<string, string[]> = {};
  for (const c of header.columns) {
    const target = before.has(headingKey(c.name)) ? before.get(headingKey(c.name))! : (ownValue(suggested, c.name) ?? null);
    setOwn(columns, c.name, target);
    if (target && alsoBefore.has(headingKey(c.name))) setOwn(also, c.name, alsoBefore.get(headingKey(c.name))!);
  }
  await updateImport(db, upload.id, { header_row: header.row, header_depth: header.depth, mapping: { columns, also, values: upload.mapping?.values ?? {} }, ...UNCHECKED });
}

/** Each tracker column with a few of its values, for the columns page. */
export function columnSamples(sheet: TrackerSheet, header: TrackerHeader, n = 3) {
  return header.columns.map((c) => {
    const seen = new Set<string>();
    for (let r = header.row; r < sheet.rows.length && seen.size < n && r < header.row + 500; r++) {
      const v = (sheet.rows[r]?.[c.index] ?? '').trim();
      if (v) seen.add(v.length > 40 ? `${v.slice(0, 37)}...` : v);
    }
    return { ...c, samples: [...seen] };
  });
}

/** Saves the columns page; the problems stop it (keyed by the tracker column's position). */
export async function saveColumns(db: Knex, upload: TrackerImportRow, header: TrackerHeader, chosen: Map<number, string | null>, alsoChosen = new Map<number, string | null>()) {
  const columns: Record<string, string | null> = {};
  const also: Record<string, string[]> = {};
  for (const c of header.columns) {
    const target = chosen.get(c.index) ?? null;
    setOwn(columns, c.name, target);
    const more = alsoChosen.get(c.index);
    if (target && more && more !== target) setOwn(also, c.name, [more]);
  }
  const mapping: TrackerMapping = { columns, also, values: upload.mapping?.values ?? {}, header: { row: header.row, depth: header.depth } };
  await updateImport(db, upload.id, { mapping, ...UNCHECKED });
  return mappingProblems(mapping, header.columns);
}

// ---- the values page ----------------------------------------------------------------

/** Values shown per column on the page; the rest are reported as problems if left unmapped. */
export const VALUES_SHOWN = 200;

export interface ValueQuestion {
  column: string;
  /** the tracker headings feeding it */
  headings: string[];
  values: (UnmappedValue & { choice: string; suggested: boolean })[];
  /** more distinct values than shown */
  more: number;
  options: { value: string; text: string }[];
}

const NOT_RECORDED = '-';

function suggestCode(value: string, options: { value: string; text: string }[], column: string): string | null {
  if (isPlaceholder(value)) return NOT_RECORDED;
  if (column === 'date_of_birth' && unbornMark(value, parseFreeDate) !== null) return UNBORN;
  if (options.every((o) => o.value === NOT_RECORDED || o.value === KEEP || o.value === UNBORN)) return null;
  const v = new Set(words(value).split(' ').filter((w) => w.length > 2));
  let best: string | null = null;
  let bestScore = 0;
  for (const o of options) {
    if (o.value === NOT_RECORDED) continue;
    const t = new Set(words(o.text).split(' ').filter((w) => w.length > 2));
    let shared = 0;
    for (const w of v) if (t.has(w)) shared += 1;
    const score = (2 * shared) / (v.size + t.size || 1);
    if (score > bestScore) [best, bestScore] = [o.value, score];
  }
  return bestScore >= 0.5 ? best : null;
}

/** The choices for a value of a column with no code list: not recorded, as written (text), unborn (a date of birth). */
function freeOptions(column: string, kind: string): { value: string; text: string }[] {
  return [
    { value: NOT_RECORDED, text: 'Not recorded (leave blank)' },
    ...(kind === 'text' ? [{ value: KEEP, text: 'Keep as written' }] : []),
    ...(column === 'date_of_birth' ? [{ value: UNBORN, text: 'Unborn: the expected date of delivery from the text, if it gives one' }] : []),
  ];
}

/**
 * For each imported column, the values that need a choice, with the choice made so far: in code
 * and yes/no columns the values that are not ours; in the others placeholders ("N/A", "not
 * known", "-"), dates that cannot be read, and "Unborn" or "due 03/2024" in a date of birth.
 */
export async function valueQuestions(db: Knex, upload: TrackerImportRow, sheet: TrackerSheet, header: TrackerHeader, codes?: CodeLists): Promise<ValueQuestion[]> {
  const lists = codes ?? (await loadCodeLists(db));
  const mapping = upload.mapping ?? { columns: {}, values: {} };
  const found = valuesToMap(sheet.rows, header, mapping, lists, { all: true });
  const sources = new Map<string, string[]>();
  for (const c of header.columns) {
    const target = ownValue(mapping.columns, c.name);
    if (target) sources.set(target, [...(sources.get(target) ?? []), c.name]);
  }
  const out: ValueQuestion[] = [];
  for (const [column, values] of found) {
    const spec = COLUMN_BY_NAME.get(column)!;
    const options = !needsValues(spec) ? freeOptions(column, spec.kind) : [
      { value: NOT_RECORDED, text: 'Not recorded (leave blank)' },
      ...(spec.kind === 'yesno'
        ? [{ value: 'Y', text: 'Yes' }, { value: 'N', text: 'No' }]
        : (lists[spec.list!] ?? []).filter((c) => !c.retired).map((c) => ({ value: c.code, text: `${c.label} (${c.code})` }))),
    ];
    const chosen = new Map(Object.entries(ownValue(mapping.values, column) ?? {}).map(([k, v]) => [valueKey(k), v]));
    out.push({
      column,
      headings: sources.get(column) ?? [],
      more: Math.max(0, values.length - VALUES_SHOWN),
      options,
      values: values.slice(0, VALUES_SHOWN).map((v) => {
        const c = chosen.get(v.key);
        if (c !== undefined) return { ...v, choice: c === '' ? NOT_RECORDED : c, suggested: false };
        const s = suggestCode(v.value, options, column);
        return { ...v, choice: s ?? '', suggested: !!s };
      }),
    });
  }
  return out;
}

/** Saves the values page: `answers` maps "column|index" to the option chosen ('' = not chosen). */
export async function saveValues(db: Knex, upload: TrackerImportRow, questions: ValueQuestion[], answers: (column: string, index: number) => string) {
  const values: Record<string, Record<string, string>> = { ...(upload.mapping?.values ?? {}) };
  for (const q of questions) {
    const allowed = new Set(q.options.map((o) => o.value));
    const col = { ...(ownValue(values, q.column) ?? {}) };
    q.values.forEach((v, i) => {
      const a = answers(q.column, i);
      if (a && allowed.has(a)) setOwn(col, v.key, a === NOT_RECORDED ? '' : a);
      else delete col[v.key];
    });
    setOwn(values, q.column, col);
  }
  const mapping: TrackerMapping = { ...(upload.mapping ?? { columns: {} }), values };
  await updateImport(db, upload.id, { mapping, ...UNCHECKED });
  return mapping;
}

