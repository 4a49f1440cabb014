import type { Knex } from 'knex';
import { CODE_LIST_NAMES, type CodeListName } from '../../db/seed/code-lists.js';
import { perRequest } from '../common/per-request.js';

export interface CodeEntry {
  code: string;
  label: string;
  group?: string | null;
  retired?: boolean;
}
export type CodeLists = Record<string, CodeEntry[]>;

/** A list by name: own properties only, so a name from a request ("toString", "__proto__") is no list. */
export function codeList(lists: CodeLists, list: string): CodeEntry[] | undefined {
  return Object.hasOwn(lists, list) ? lists[list] : undefined;
}

/** Every list, in display order, retired values included (flagged). */
export async function loadCodeLists(db: Knex): Promise<CodeLists> {
  const rows = await db('code_lists').select('list', 'code', 'label', 'group_label', 'retired').orderBy(['list', 'sort_order', 'code']);
  const lists: CodeLists = Object.fromEntries(Object.keys(CODE_LIST_NAMES).map((k) => [k, []]));
  for (const r of rows) (lists[r.list] ??= []).push({ code: r.code, label: r.label, group: r.group_label, retired: !!r.retired });
  return lists;
}

/** The code lists, read once per request. */
export const currentCodeLists: (db: Knex, req: object) => Promise<CodeLists> = perRequest(loadCodeLists);

/** Options for a form: active values, plus the current value even if since retired. */
export function codeOptions(lists: CodeLists, list: CodeListName, current?: string | string[] | null) {
  const keep = new Set(Array.isArray(current) ? current : current ? [current] : []);
  return (codeList(lists, list) ?? []).filter((c) => !c.retired || keep.has(c.code)).map((c) => ({ value: c.code, text: c.label }));
}

export function codeLabel(lists: CodeLists, list: string, code: string | null | undefined): string {
  if (!code) return '';
  return codeList(lists, list)?.find((c) => c.code === code)?.label ?? code;
}

/** Resolves a code or a label (case-insensitive) to the code; null if unknown. */
export function resolveCode(lists: CodeLists, list: string, value: string): string | null {
  const v = value.trim().toLowerCase();
  const entry = codeList(lists, list)?.find((c) => c.code.toLowerCase() === v || c.label.toLowerCase() === v);
  return entry ? entry.code : null;
}
