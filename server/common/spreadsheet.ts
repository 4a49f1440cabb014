// Every download the app writes (CSV or xlsx) puts its text through this module, so what
// people typed (names, feedback, code labels, written answers) is shown in a spreadsheet and
// never run as a formula:
//
// - CSV: a cell or heading starting with =, +, -, @, a tab or a carriage return gets a leading
//   apostrophe (a CSV has no types: Excel would read "=cmd|..." as a formula).
// - xlsx: text is written as a string cell, which Excel never runs, so it needs no apostrophe and
//   is shown exactly as typed ("=1+1" is shown as =1+1).
//
// Text that already starts with apostrophes before one of those characters gets one apostrophe
// more, in both, so the interchange import, which takes one off (unescapeCell), reads back
// exactly what was written: "'=x" is written "''=x" and read back "'=x".

const FORMULA_START = /^[=+\-@\t\r]/;
const ESCAPED_START = /^'+[=+\-@\t\r]/;

export type Value = string | number | null | undefined;

/** Text for a CSV cell or heading: never read as a formula. */
export function csvText(s: string): string {
  return FORMULA_START.test(s) || ESCAPED_START.test(s) ? `'${s}` : s;
}

/** Text for an xlsx string cell (inert in Excel): as typed, except a leading escape is escaped. */
export function xlsxText(s: string): string {
  return ESCAPED_START.test(s) ? `'${s}` : s;
}

/** A CSV cell: numbers stay numbers, nothing is blank, text is neutralised. */
export function csvCell(v: Value): string | number {
  if (v === null || v === undefined) return '';
  return typeof v === 'string' ? csvText(v) : v;
}

/** An xlsx cell value: numbers stay numbers, nothing is an empty cell, text is a string cell. */
export function xlsxCell(v: Value): string | number | null {
  if (v === null || v === undefined) return null;
  return typeof v === 'string' ? xlsxText(v) : v;
}

/** Takes the apostrophe csvText / xlsxText put in off again (the interchange import). */
export function unescapeCell(s: string): string {
  return /^'(?='*[=+\-@\t\r])/.test(s) ? s.slice(1) : s;
}

/** A worksheet name Excel accepts: none of : \ / ? * [ ], not starting or ending with an apostrophe, 31 characters at most. */
export function sheetName(name: string, fallback = 'Sheet1'): string {
  const s = name.replace(/[:\\/?*[\]]/g, ' ').replace(/\s+/g, ' ').slice(0, 31).replace(/^[\s']+|[\s']+$/g, '');
  return s || fallback;
}
