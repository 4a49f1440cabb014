import { addMonths, formatDate } from '../common/dates.js';
import type { Finding } from './types.js';

// Rules run over every record in the database, so the few date sums they need are
// remembered per date (a database holds a few thousand distinct dates, not millions).

const MEMO_LIMIT = 50_000;
function memo<T>(fn: (s: string) => T): (s: string) => T {
  const cache = new Map<string, T>();
  return (s) => {
    let v = cache.get(s);
    if (v === undefined) {
      if (cache.size >= MEMO_LIMIT) cache.clear();
      v = fn(s);
      cache.set(s, v);
    }
    return v;
  };
}

/** What a rule returns when it finds nothing: one shared, frozen array (rules run millions of times). */
export const NONE: Finding[] = Object.freeze([]) as unknown as Finding[];

/** "5 February 2025", remembered. */
export const longDate = memo(formatDate);
export const sixMonthsAfter = memo((d: string) => addMonths(d, 6));
export const twelveMonthsAfter = memo((d: string) => addMonths(d, 12));

/**
 * The latest birth date of someone 18 or over on `on`: string comparison then matches
 * ageOn(dob, on) >= 18 exactly (29 February included).
 */
export const eighteenYearsBefore = memo((on: string) => `${String(Number(on.slice(0, 4)) - 18).padStart(4, '0')}${on.slice(4)}`);

/** Pushes "<what> must be the same as or after <floor>" when date is before floor. */
export function notBefore(out: Finding[], field: string, date: string | null | undefined, floor: string | null | undefined, what: string) {
  if (date && floor && date < floor) out.push({ field, message: `${what} must be the same as or after ${longDate(floor)}` });
}

/** The latest of some dates, or null. */
export function latest(dates: (string | null | undefined)[]): string | null {
  let max: string | null = null;
  for (const d of dates) if (d && (max === null || d > max)) max = d;
  return max;
}
