// Calendar dates as 'YYYY-MM-DD' strings: no times, no time zones (domain.md).

const ISO = /^(\d{4})-(\d{2})-(\d{2})$/;

export function isRealDate(y: number, m: number, d: number): boolean {
  if (!Number.isInteger(y) || !Number.isInteger(m) || !Number.isInteger(d)) return false;
  if (y < 1900 || y > 2100 || m < 1 || m > 12 || d < 1) return false;
  return d <= new Date(Date.UTC(y, m, 0)).getUTCDate();
}

export function toIso(y: number, m: number, d: number): string {
  return `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}

export function isIsoDate(s: unknown): s is string {
  if (typeof s !== 'string') return false;
  const m = ISO.exec(s);
  return !!m && isRealDate(+m[1], +m[2], +m[3]);
}

/** Accepts YYYY-MM-DD or DD/MM/YYYY (interchange.md); returns ISO or null. */
export function parseDate(s: string): string | null {
  const t = s.trim();
  if (isIsoDate(t)) return t;
  const uk = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(t);
  if (uk && isRealDate(+uk[3], +uk[2], +uk[1])) return toIso(+uk[3], +uk[2], +uk[1]);
  return null;
}

export function splitIso(s: string | null | undefined): { day: string; month: string; year: string } {
  if (!s || !ISO.test(s)) return { day: '', month: '', year: '' };
  const [y, m, d] = s.split('-');
  return { day: String(+d), month: String(+m), year: y };
}

const dayMs = 86_400_000;
const toUtc = (s: string) => Date.parse(`${s}T00:00:00Z`);

export function daysBetween(from: string, to: string): number {
  return Math.round((toUtc(to) - toUtc(from)) / dayMs);
}

export function addDays(s: string, days: number): string {
  return new Date(toUtc(s) + days * dayMs).toISOString().slice(0, 10);
}

export function addMonths(s: string, months: number): string {
  const [y, m, d] = s.split('-').map(Number);
  const total = y * 12 + (m - 1) + months;
  const ny = Math.floor(total / 12);
  const nm = (total % 12) + 1;
  const last = new Date(Date.UTC(ny, nm, 0)).getUTCDate();
  return toIso(ny, nm, Math.min(d, last));
}

/** Whole years of age on `on` for someone born on `dob`. */
export function ageOn(dob: string, on: string): number {
  const [by, bm, bd] = dob.split('-').map(Number);
  const [y, m, d] = on.split('-').map(Number);
  return y - by - (m < bm || (m === bm && d < bd) ? 1 : 0);
}

export function todayIso(now: Date = new Date()): string {
  return toIso(now.getFullYear(), now.getMonth() + 1, now.getDate());
}

/** 2023 → 2023-04-01..2024-03-31 (English financial year). */
/** Start year of the financial year (April to March) a date falls in. */
export function financialYearOf(date: string): number {
  return Number(date.slice(0, 4)) - (date.slice(5) < '04-01' ? 1 : 0);
}

export function financialYear(startYear: number): { from: string; to: string; label: string } {
  return {
    from: `${startYear}-04-01`,
    to: `${startYear + 1}-03-31`,
    label: `${startYear}-${String((startYear + 1) % 100).padStart(2, '0')}`,
  };
}

export function inRange(s: string | null | undefined, r: { from: string; to: string }): boolean {
  return !!s && s >= r.from && s <= r.to;
}

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

/** 2024-03-05 → "5 March 2024" (GOV.UK style). */
export function formatDate(s: string | null | undefined): string {
  if (!s || !ISO.test(s)) return '';
  const [y, m, d] = s.split('-').map(Number);
  return `${d} ${MONTHS[m - 1]} ${y}`;
}
