// Building breakdown tables: a tally of ids by code, then rows in code-list order.
// Nothing is dropped: codes missing from the list get their own row, blanks go to "Not recorded".

import type { CodeEntry, CodeLists } from '../codes/code-lists.js';
export type { CodeEntry, CodeLists };

export type BreakdownUnit = 'children' | 'fgcs';

export interface BreakdownRow {
  code: string;
  label: string;
  count: number;
  /** Referral ids (unit 'fgcs') or child ids (unit 'children') behind the figure. */
  ids: number[];
  /** a code retired from its list (still counted where records hold it) */
  retired?: true;
}

export interface Breakdown {
  key: string;
  title: string;
  /** Key of the population (AnnualReturn.populations) the rows must sum to. */
  population: string;
  unit: BreakdownUnit;
  rows: BreakdownRow[];
  total: number;
}

export interface RowSpec {
  code: string;
  label: string;
  retired?: boolean;
}

export const NR = 'NR';
export const NR_LABEL = 'Not recorded';

/** The code for a raw value: blank or missing is NR, anything else is kept as recorded. */
export function codeOf(value: string | null | undefined): string {
  if (value === null || value === undefined) return NR;
  if (value === '' || value.trim() === '') return NR;
  return value;
}

/** Ids grouped by code, in the order they were added. */
export class Tally {
  private readonly byCode = new Map<string, number[]>();

  add(code: string, id: number): void {
    const ids = this.byCode.get(code);
    if (ids) ids.push(id);
    else this.byCode.set(code, [id]);
  }

  codes(): IterableIterator<string> {
    return this.byCode.keys();
  }

  ids(code: string): number[] | undefined {
    return this.byCode.get(code);
  }
}

/** The rows of a code list, in list order, without NR and without repeated codes. */
export function listRows(codes: CodeLists, list: string): RowSpec[] {
  const seen = new Set<string>();
  const rows: RowSpec[] = [];
  for (const e of codes[list] ?? []) {
    if (!e || !e.code || e.code === NR || seen.has(e.code)) continue;
    seen.add(e.code);
    rows.push(e.retired ? { code: e.code, label: e.label, retired: true } : { code: e.code, label: e.label });
  }
  return rows;
}

export function unknownCodeLabel(code: string): string {
  return `${code} (code not in list)`;
}

/**
 * Rows: every row of `spec` in order (zero counts included), then any code that was counted
 * but is not in `spec` (in the order first seen, labelled by `unknownLabel`), then "Not recorded" last.
 */
export function finishBreakdown(
  meta: { key: string; title: string; population: string; unit: BreakdownUnit },
  spec: readonly RowSpec[],
  tally: Tally,
  unknownLabel: (code: string) => string = unknownCodeLabel,
): Breakdown {
  const rows: BreakdownRow[] = [];
  const inSpec = new Set<string>();
  let total = 0;
  const push = (code: string, label: string, retired?: boolean) => {
    const ids = tally.ids(code) ?? [];
    rows.push(retired ? { code, label, count: ids.length, ids, retired: true } : { code, label, count: ids.length, ids });
    total += ids.length;
  };
  for (const s of spec) {
    if (s.code === NR || inSpec.has(s.code)) continue;
    inSpec.add(s.code);
    push(s.code, s.label, s.retired);
  }
  for (const code of tally.codes()) {
    if (code === NR || inSpec.has(code)) continue;
    inSpec.add(code);
    push(code, unknownLabel(code));
  }
  push(NR, NR_LABEL);
  return { ...meta, rows, total };
}
