import { isRealDate, toIso } from '../common/dates.js';
import { excelSerialDate } from '../uploads/xlsx.js';

// Dates as people type them into tracker spreadsheets, read the British way (day before
// month): "3rd March 2024", "Sunday 3 March 2024", "03/03/24", "3.3.2024", "2024-03-03",
// "3 Mar 2024", "Mar 3, 2024", "3-Mar-24", "03/03/2024 10:15", an Excel serial number
// (45354, five figures) or an Excel date cell (read as 2024-03-03). Anything else, including a month
// without its day ("March 2024") or a month above 12 ("03/13/2024"), is not a date.

const MONTHS: Record<string, number> = {
  jan: 1, january: 1, feb: 2, february: 2, mar: 3, march: 3, apr: 4, april: 4, may: 5, jun: 6, june: 6,
  jul: 7, july: 7, aug: 8, august: 8, sep: 9, sept: 9, september: 9, oct: 10, october: 10, nov: 11, november: 11,
  dec: 12, december: 12,
};
const WEEKDAYS = /\b(mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun)(day|sday|nesday|rsday|urday)?\b/g;

/** Two-digit years as Excel reads them: 00–29 are 2000–2029, 30–99 are 1930–1999. */
export function fullYear(y: number): number {
  return y < 30 ? 2000 + y : 1900 + y;
}

function iso(y: number, m: number, d: number): string | null {
  return isRealDate(y, m, d) ? toIso(y, m, d) : null;
}

/** A free-text date as YYYY-MM-DD, or null when it is not one. */
export function parseFreeDate(input: string): string | null {
  let s = input.trim().toLowerCase();
  if (!s) return null;
  // ISO, with or without a time ("2024-03-03T00:00:00.000Z", "2024/03/03 09:30")
  let m = /^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[ t]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?z?)?$/.exec(s);
  if (m) return iso(+m[1], +m[2], +m[3]);
  // An Excel serial number (a date cell that lost its format)
  if (/^\d{5}(\.\d+)?$/.test(s)) return excelSerialDate(Number(s));
  // Day/month/year in figures, with / - . or spaces, and perhaps a time after
  m = /^(\d{1,2})\s*[/.-]\s*(\d{1,2})\s*[/.-]\s*(\d{2}|\d{4})(?:\s+\d{1,2}[:.]\d{2}(?:[:.]\d{2})?\s*(?:am|pm)?)?$/.exec(s);
  if (m) return iso(m[3].length === 2 ? fullYear(+m[3]) : +m[3], +m[2], +m[1]);
  // Words: strip weekdays, ordinals and punctuation, then find day, month name and year
  s = s.replace(WEEKDAYS, ' ').replace(/(\d)(st|nd|rd|th)\b/g, '$1').replace(/\bof\b/g, ' ').replace(/[,.\-/]+/g, ' ').trim();
  const parts = s.split(/\s+/);
  if (parts.length !== 3) return null;
  let day: number | null;
  let month: number | null = null;
  let year: number | null;
  const numbers: string[] = [];
  for (const p of parts) {
    if (/^[a-z]+$/.test(p)) {
      if (month !== null || !Object.hasOwn(MONTHS, p)) return null;
      month = MONTHS[p];
    } else if (/^\d+$/.test(p)) numbers.push(p);
    else return null;
  }
  if (month === null || numbers.length !== 2) return null;
  // "3 March 2024", "March 3 2024", "3 Mar 24": the year is the 4-digit number, or the last one
  const [a, b] = numbers;
  if (a.length === 4 && b.length <= 2) [year, day] = [+a, +b];
  else if (b.length === 4 && a.length <= 2) [day, year] = [+a, +b];
  else if (a.length <= 2 && b.length === 2 && parts[2] === b) [day, year] = [+a, fullYear(+b)];
  else return null;
  return iso(year, month, day);
}
