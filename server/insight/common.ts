// What every insight figure starts from: the case data the loader returns, counted by the
// annual return's counting module for the chosen period.
import { computeReturn, type AnnualReturn, type CodeLists } from '../annual-return/counting.js';
import type { Child, Referral } from '../cases/types.js';
import { financialYearOf } from './period.js';
import { survivorResolver } from '../cases/merged-children.js';
import { NR } from '../annual-return/breakdowns.js';

export interface CaseData {
  referrals: Referral[];
  children: Child[];
  codes: CodeLists;
  /** children by id, built on first use */
  childById?: Map<number, Child>;
  /** child id -> surviving child id, built on first use */
  resolve?: (id: number) => number;
  /** figures for all the referrals, by period, kept so pages sharing the data count once */
  counted?: Map<string, AnnualReturn>;
}

/** Merged duplicate children resolved to their survivor (people.ts), built once per data set. */
export function resolverFor(data: CaseData): (id: number) => number {
  return (data.resolve ??= survivorResolver(data.children));
}

export interface Range {
  from: string;
  to: string;
  label: string;
}

/** Every date: for counting a set of referrals already chosen (a cohort, or the FGCs declined for one reason). */
export const ALL_TIME: Range = { from: '0000-01-01', to: '9999-12-31', label: 'all dates' };

/**
 * The annual return's figures for any period (computeReturn: the one place populations are
 * counted), over all the case data or over some of its referrals. `childBreakdowns: false`
 * (pages that read no child characteristics) skips most of the work; figures over all the
 * referrals are kept on the data, so pages sharing it count once.
 */
export function countPeriod(data: CaseData, period: Range, referrals: Referral[] = data.referrals, options: { childBreakdowns?: boolean } = {}): AnnualReturn {
  const year = financialYearOf(period.from === ALL_TIME.from ? '2000-04-01' : period.from);
  const childBreakdowns = options.childBreakdowns !== false;
  const count = (children: Child[]) =>
    computeReturn({ year, period: { from: period.from, to: period.to, label: period.label }, referrals, children, codes: data.codes, childBreakdowns });
  if (referrals !== data.referrals) return count(childrenOf(data, referrals));
  const key = `${period.from}|${period.to}|${period.label}`;
  data.counted ??= new Map();
  const full = data.counted.get(`${key}|full`);
  if (full || !childBreakdowns) {
    const ret = full ?? data.counted.get(`${key}|fgcs`) ?? count(data.children);
    if (!full) data.counted.set(`${key}|fgcs`, ret);
    return ret;
  }
  const ret = count(data.children);
  data.counted.set(`${key}|full`, ret);
  return ret;
}

/** The children on some referrals, with the records they were merged into (so a subset counts as quickly as its size). */
export function childrenOf(data: CaseData, referrals: Iterable<Referral>): Child[] {
  if (!data.childById) {
    data.childById = new Map();
    for (const c of data.children) data.childById.set(c.id, c);
  }
  const byId = data.childById;
  const seen = new Set<number>();
  return childrenOn(referrals, (id) => byId.get(id), (id) => !seen.has(id) && !!seen.add(id));
}

/**
 * The children on the referrals, each once, then the records they were merged into (following
 * chains): `childAt` finds a child by id, `take` says whether it is the first time an id is met.
 */
export function childrenOn(referrals: Iterable<Referral>, childAt: (id: number) => Child | undefined, take: (id: number) => boolean): Child[] {
  const out: Child[] = [];
  for (const r of referrals) {
    for (const row of r.children) {
      let c = childAt(row.child_id);
      while (c && take(c.id)) {
        out.push(c);
        c = c.merged_into_id !== null && c.merged_into_id !== undefined ? childAt(c.merged_into_id) : undefined;
      }
    }
  }
  return out;
}

/** Referrals by id. */
export function indexReferrals(referrals: Referral[]): Map<number, Referral> {
  const out = new Map<number, Referral>();
  for (const r of referrals) out.set(r.id, r);
  return out;
}

/** The referrals with these ids (in the order of the ids). */
export function pick(byId: Map<number, Referral>, ids: readonly number[]): Referral[] {
  const out: Referral[] = [];
  for (const id of ids) {
    const r = byId.get(id);
    if (r) out.push(r);
  }
  return out;
}

/** A referral's code matches a filter value as applyFilters (data.ts) matches it in the database: NR is blank or missing. */
export function matchesCode(value: string | null, wanted: string): boolean {
  if (!wanted) return true;
  if (wanted === NR) return value === null || value === '';
  return value === wanted;
}
