// Working days in England: Monday to Friday, less the bank holidays of England and Wales.
// The list covers 2019 to 2027 (gov.uk/bank-holidays); outside it only weekends are left out.
import { dayNumber } from '../annual-return/day-number.js';

export const BANK_HOLIDAYS_ENGLAND_WALES: ReadonlySet<string> = new Set([
  '2019-01-01', '2019-04-19', '2019-04-22', '2019-05-06', '2019-05-27', '2019-08-26', '2019-12-25', '2019-12-26',
  '2020-01-01', '2020-04-10', '2020-04-13', '2020-05-08', '2020-05-25', '2020-08-31', '2020-12-25', '2020-12-28',
  '2021-01-01', '2021-04-02', '2021-04-05', '2021-05-03', '2021-05-31', '2021-08-30', '2021-12-27', '2021-12-28',
  '2022-01-03', '2022-04-15', '2022-04-18', '2022-05-02', '2022-06-02', '2022-06-03', '2022-08-29', '2022-09-19', '2022-12-26', '2022-12-27',
  '2023-01-02', '2023-04-07', '2023-04-10', '2023-05-01', '2023-05-08', '2023-05-29', '2023-08-28', '2023-12-25', '2023-12-26',
  '2024-01-01', '2024-03-29', '2024-04-01', '2024-05-06', '2024-05-27', '2024-08-26', '2024-12-25', '2024-12-26',
  '2025-01-01', '2025-04-18', '2025-04-21', '2025-05-05', '2025-05-26', '2025-08-25', '2025-12-25', '2025-12-26',
  '2026-01-01', '2026-04-03', '2026-04-06', '2026-05-04', '2026-05-25', '2026-08-31', '2026-12-25', '2026-12-28',
  '2027-01-01', '2027-03-26', '2027-03-29', '2027-05-03', '2027-05-31', '2027-08-30', '2027-12-27', '2027-12-28',
]);

const HOLIDAY_DAYS = new Set([...BANK_HOLIDAYS_ENGLAND_WALES].map((d) => dayNumber(d)!));

/** Day number (days since 1970-01-01, a Thursday) is a working day. */
const workingDayNumber = (n: number) => {
  const wd = (((n + 4) % 7) + 7) % 7; // 0 Sunday .. 6 Saturday
  return wd !== 0 && wd !== 6 && !HOLIDAY_DAYS.has(n);
};

export function isWorkingDay(date: string): boolean {
  const n = dayNumber(date);
  return n !== null && workingDayNumber(n);
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
  let n = 0;
  for (let d = lo + 1; d <= hi; d++) if (workingDayNumber(d)) n++;
  return sign * n;
}
