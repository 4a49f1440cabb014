// The insight pages' period picker: a financial year, a quarter of one, or any date range.
// Pure: parses the query string into a period and GOV.UK error messages.
import { financialYear, financialYearOf, formatDate, isRealDate, toIso } from '../common/dates.js';
import type { FormErrors } from '../common/forms.js';

export interface Period {
  from: string;
  to: string;
  label: string;
  kind: 'year' | 'quarter' | 'dates';
  /** start year of the financial year, for 'year' and 'quarter' */
  year?: number;
  quarter?: number;
}

export interface DateParts {
  day: string;
  month: string;
  year: string;
}

/** What the form shows: the values as typed. */
export interface PeriodValues {
  year: string;
  quarter: string;
  from: DateParts;
  to: DateParts;
}

export interface ParsedPeriod {
  /** null when the query has errors */
  period: Period | null;
  values: PeriodValues;
  errors: FormErrors;
}

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

export { financialYearOf } from '../common/dates.js';

export function yearPeriod(year: number): Period {
  return { ...financialYear(year), kind: 'year', year };
}

/** Quarter 1 is April to June, 4 is January to March. */
export function quarterPeriod(year: number, quarter: number): Period {
  const startMonth = 4 + (quarter - 1) * 3; // 4, 7, 10, 13
  const y = startMonth > 12 ? year + 1 : year;
  const m = ((startMonth - 1) % 12) + 1;
  const last = new Date(Date.UTC(y, m + 2, 0)).getUTCDate();
  const fy = financialYear(year).label;
  return {
    from: toIso(y, m, 1),
    to: toIso(y, m + 2, last),
    label: `${fy} quarter ${quarter} (${MONTHS[m - 1]} to ${MONTHS[m + 1]} ${y})`,
    kind: 'quarter',
    year,
    quarter,
  };
}

export function datesPeriod(from: string, to: string): Period {
  return { from, to, label: `${formatDate(from)} to ${formatDate(to)}`, kind: 'dates' };
}

const text = (v: unknown) => (typeof v === 'string' ? v.trim() : '');
const parts = (q: Record<string, unknown>, name: string): DateParts => ({
  day: text(q[`${name}-day`]),
  month: text(q[`${name}-month`]),
  year: text(q[`${name}-year`]),
});

/**
 * One GOV.UK date input. Messages follow the design system's date input pattern:
 * "Enter the start date", "Start date must include a month", "Start date must be a real date".
 */
export function parseDateParts(p: DateParts, label: string): { date: string | null; error: string | null } {
  const missing = (['day', 'month', 'year'] as const).filter((k) => p[k] === '');
  if (missing.length === 3) return { date: null, error: `Enter the ${label.toLowerCase()}` };
  if (missing.length) return { date: null, error: `${label} must include a ${missing.join(' and ')}` };
  if (![p.day, p.month, p.year].every((s) => /^\d+$/.test(s))) return { date: null, error: `${label} must be a real date` };
  if (p.year.length !== 4) return { date: null, error: `The year of the ${label.toLowerCase()} must include 4 numbers` };
  const [d, m, y] = [Number(p.day), Number(p.month), Number(p.year)];
  if (!isRealDate(y, m, d)) return { date: null, error: `${label} must be a real date` };
  return { date: toIso(y, m, d), error: null };
}

/**
 * The period a query string asks for. Any date typed into "from" or "to" means a date range;
 * otherwise a financial year (default: the one `today` is in), optionally one quarter of it.
 */
export function parsePeriod(query: Record<string, unknown>, today: string): ParsedPeriod {
  const values: PeriodValues = { year: text(query.year), quarter: text(query.quarter), from: parts(query, 'from'), to: parts(query, 'to') };
  const errors: FormErrors = {};
  const typed = [values.from, values.to].some((p) => p.day || p.month || p.year);
  if (typed) {
    const from = parseDateParts(values.from, 'Start date');
    const to = parseDateParts(values.to, 'End date');
    if (from.error) errors.from = from.error;
    if (to.error) errors.to = to.error;
    if (from.date && to.date && to.date < from.date) errors.to = `End date must be the same as or after ${formatDate(from.date)}`;
    if (Object.keys(errors).length) return { period: null, values, errors };
    return { period: datesPeriod(from.date!, to.date!), values, errors };
  }
  let year = financialYearOf(today);
  if (values.year) {
    if (/^\d{4}$/.test(values.year) && +values.year >= 1990 && +values.year <= year + 1) year = +values.year;
    else errors.year = 'Select a financial year from the list';
  }
  let quarter: number | null = null;
  if (values.quarter) {
    if (/^[1-4]$/.test(values.quarter)) quarter = +values.quarter;
    else errors.quarter = 'Select a quarter from the list, or the whole year';
  }
  if (Object.keys(errors).length) return { period: null, values, errors };
  values.year = String(year);
  return { period: quarter ? quarterPeriod(year, quarter) : yearPeriod(year), values, errors };
}

/** The query parameters that ask for this period again (for links between pages and downloads). */
export function periodQuery(p: Period): Record<string, string> {
  if (p.kind === 'dates') {
    const [fy, fm, fd] = p.from.split('-');
    const [ty, tm, td] = p.to.split('-');
    return { 'from-day': String(+fd), 'from-month': String(+fm), 'from-year': fy, 'to-day': String(+td), 'to-month': String(+tm), 'to-year': ty };
  }
  return p.kind === 'quarter' ? { year: String(p.year), quarter: String(p.quarter) } : { year: String(p.year) };
}

/** Financial years offered in the picker, newest first: from the earliest referral (at most 15 years back) to the current one. */
export function yearsOffered(today: string, earliestReferral: string | null): { value: string; text: string }[] {
  const current = financialYearOf(today);
  const first = earliestReferral ? Math.max(financialYearOf(earliestReferral), current - 15) : current - 1;
  const out: { value: string; text: string }[] = [];
  for (let y = current; y >= Math.min(first, current); y--) out.push({ value: String(y), text: financialYear(y).label });
  return out;
}

/** Calendar months (YYYY-MM) from the month of `from` to the month of `to`, inclusive. */
export function monthsBetween(from: string, to: string): string[] {
  let y = Number(from.slice(0, 4));
  let m = Number(from.slice(5, 7));
  const endY = Number(to.slice(0, 4));
  const endM = Number(to.slice(5, 7));
  const out: string[] = [];
  while (y < endY || (y === endY && m <= endM)) {
    out.push(`${y}-${String(m).padStart(2, '0')}`);
    if (++m > 12) {
      m = 1;
      y++;
    }
  }
  return out;
}

/** The month as a range of dates. */
export function monthRange(month: string): { from: string; to: string; label: string } {
  const y = Number(month.slice(0, 4));
  const m = Number(month.slice(5, 7));
  const last = new Date(Date.UTC(y, m, 0)).getUTCDate();
  return { from: `${month}-01`, to: `${month}-${String(last).padStart(2, '0')}`, label: monthLabel(month) };
}

/** "2024-03" → "March 2024"; `short` gives "Mar 2024". */
export function monthLabel(month: string, short = false): string {
  const name = MONTHS[Number(month.slice(5, 7)) - 1];
  return `${short ? name.slice(0, 3) : name} ${month.slice(0, 4)}`;
}
