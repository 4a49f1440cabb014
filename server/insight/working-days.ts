// Working days in England: Monday to Friday, less the bank holidays of England and Wales,
// from date-holidays (maintained, rules rather than a list, so any year has its holidays,
// substitute days and the one-off ones included).
import Holidays from 'date-holidays';
import { dayNumber } from '../annual-return/day-number.js';

const ENGLAND = new Holidays('GB', 'ENG');
/** The day numbers of the bank holidays of every year looked at so far. */
const HOLIDAY_DAYS = new Set<number>();
const yearsLoaded = new Set<number>();

/** Makes sure the bank holidays of the years `from` to `to` are in HOLIDAY_DAYS. */
function loadYears(from: number, to: number): void {
  for (let y = from; y <= to; y++) {
    if (yearsLoaded.has(y)) continue;
    for (const h of ENGLAND.getHolidays(y)) if (h.type === 'public') HOLIDAY_DAYS.add(dayNumber(h.date.slice(0, 10))!);
    yearsLoaded.add(y);
  }
}

const yearOf = (date: string) => Number(date.slice(0, 4));

/** Whether a date (YYYY-MM-DD) is a bank holiday in England and Wales. */
export function isBankHoliday(date: string): boolean {
  const n = dayNumber(date);
  if (n === null) return false;
  loadYears(yearOf(date), yearOf(date));
  return HOLIDAY_DAYS.has(n);
}

/** Day number (days since 1970-01-01, a Thursday) is a working day (its year's holidays loaded). */
const workingDayNumber = (n: number) => {
  const wd = (((n + 4) % 7) + 7) % 7; // 0 Sunday .. 6 Saturday
  return wd !== 0 && wd !== 6 && !HOLIDAY_DAYS.has(n);
};

export function isWorkingDay(date: string): boolean {
  const n = dayNumber(date);
  if (n === null) return false;
  loadYears(yearOf(date), yearOf(date));
  return workingDayNumber(n);
}

/**
 * Working days after `from` up to and including `to`: the same day is 0, Friday to the next
 * Monday is 1. Negative when `to` is before `from`; null when either is not a real date.
 */
export function workingDaysBetween(from: string, to: string): number | null {
  const a = dayNumber(from);
  const b = dayNumber(to);
  if (a === null || b === null) return null;
  const [lo, hi, sign] = a <= b ? [a, b, 1] : [b, a, -1];
  loadYears(Math.min(yearOf(from), yearOf(to)), Math.max(yearOf(from), yearOf(to)));
  let n = 0;
  for (let d = lo + 1; d <= hi; d++) if (workingDayNumber(d)) n++;
  return sign * n;
}
