// The comparison population file (docs/comparison-population.md): one row per category,
// characteristic,category_code,count. Pure: parses and checks it, reporting every problem
// with its row number, so a bad file is refused whole and nothing is stored.
import { parse } from 'csv-parse/sync';
import { AGE_BANDS, DISABILITY_ROWS, ETHNICITY_GROUPS, type CodeLists } from '../annual-return/counting.js';
import { NR } from '../annual-return/breakdowns.js';

export interface ComparisonRow {
  characteristic: string;
  category_code: string;
  count: number;
}

export interface FileProblem {
  /** row in the file (1 = the header row); null for the file as a whole */
  row: number | null;
  message: string;
}

export const HEADER = ['characteristic', 'category_code', 'count'];
export const MAX_ROWS = 1000;
export const MAX_NAME = 100;

/** The categories each characteristic may have, code → label (codes are what the return counts). */
export function comparisonCategories(codes: CodeLists): Map<string, Map<string, string>> {
  const list = (name: string) => new Map((codes[name] ?? []).filter((c) => c.code !== NR).map((c) => [c.code, c.label] as [string, string]));
  const groups = new Map<string, string>(ETHNICITY_GROUPS.map((g) => [g, g]));
  for (const e of codes.ethnicity ?? []) if (e.group?.trim()) groups.set(e.group.trim(), e.group.trim());
  return new Map([
    ['ethnicity_group', groups],
    ['ethnicity', list('ethnicity')],
    ['sex', list('sex')],
    ['age_band', new Map(AGE_BANDS.filter((b) => b.code !== NR).map((b) => [b.code, b.label] as [string, string]))],
    ['disability', new Map(DISABILITY_ROWS.map((r) => [r.code, r.label] as [string, string]))],
    ['legal_status', list('legal_status')],
  ]);
}

export const CHARACTERISTICS = ['ethnicity_group', 'ethnicity', 'sex', 'age_band', 'disability', 'legal_status'];

const describe = (values: string[], max = 12) => (values.length > max ? `${values.slice(0, max).join(', ')} and others` : values.join(', '));

/**
 * Checks a comparison population file. Category codes may be written as the code or its label
 * (any case); rows are returned with the code. Counts are whole numbers (thousands separators allowed).
 */
export function parseComparisonCsv(text: string, codes: CodeLists): { rows: ComparisonRow[]; problems: FileProblem[] } {
  const problems: FileProblem[] = [];
  const body = text.replace(/^\uFEFF/, '');
  if (!body.trim()) return { rows: [], problems: [{ row: null, message: 'The file is empty' }] };
  let parsed: { record: string[]; info: { lines: number } }[];
  try {
    parsed = parse(body, { record_delimiter: ['\r\n', '\n', '\r'], relax_column_count: true, skip_empty_lines: true, skip_records_with_empty_values: true, trim: true, info: true }) as unknown as typeof parsed;
  } catch (e) {
    const line = (e as { lines?: number }).lines;
    return { rows: [], problems: [{ row: line ?? null, message: `The file could not be read as CSV${line ? ` at row ${line}` : ''}: check the quotation marks and commas` }] };
  }
  // Row numbers as a spreadsheet shows them (blank rows are skipped but still counted).
  const records = parsed.map((p) => p.record);
  const rowNumber = (i: number) => parsed[i]?.info.lines ?? i + 1;
  if (!records.length) return { rows: [], problems: [{ row: null, message: 'The file is empty' }] };

  const header = (records[0] ?? []).map((h) => h.toLowerCase());
  if (header.length !== 3 || HEADER.some((h, i) => header[i] !== h)) {
    return { rows: [], problems: [{ row: rowNumber(0), message: `Row ${rowNumber(0)}: the first row must be the column names ${HEADER.join(',')}` }] };
  }
  const data = records.slice(1);
  if (data.length === 0) return { rows: [], problems: [{ row: null, message: 'The file has no rows of figures under the column names' }] };
  if (data.length > MAX_ROWS) return { rows: [], problems: [{ row: null, message: `The file has ${data.length} rows of figures: it can have at most ${MAX_ROWS}` }] };

  const categories = comparisonCategories(codes);
  const seen = new Map<string, number>();
  const rows: ComparisonRow[] = [];
  data.forEach((rec, i) => {
    const n = rowNumber(i + 1);
    const at = (message: string) => problems.push({ row: n, message: `Row ${n}: ${message}` });
    if (rec.length !== 3) return at(`expected 3 values (characteristic, category_code, count), found ${rec.length}`);
    const [rawCharacteristic, rawCategory, rawCount] = rec;
    const characteristic = rawCharacteristic.toLowerCase();
    const allowed = categories.get(characteristic);
    if (!allowed) {
      return at(rawCharacteristic ? `characteristic "${rawCharacteristic}" must be one of ${CHARACTERISTICS.join(', ')}` : `enter the characteristic, one of ${CHARACTERISTICS.join(', ')}`);
    }
    let code: string | null = null;
    const wanted = rawCategory.toLowerCase();
    for (const [c, label] of allowed) if (c.toLowerCase() === wanted || label.toLowerCase() === wanted) code = c;
    let ok = true;
    if (!rawCategory) {
      at(`enter the category_code for ${characteristic}`);
      ok = false;
    } else if (wanted === NR.toLowerCase() || wanted === 'not recorded') {
      at('leave out people whose characteristic is not recorded: the comparison is between recorded categories');
      ok = false;
    } else if (!code) {
      at(`category_code "${rawCategory}" is not a ${characteristic} category. Use one of: ${describe([...allowed.keys()])}`);
      ok = false;
    }
    const digits = rawCount.replace(/,(?=\d{3}(\D|$))/g, '');
    if (!rawCount) {
      at('enter the count');
      ok = false;
    } else if (!/^\d+$/.test(digits) || !Number.isSafeInteger(Number(digits))) {
      at(`count "${rawCount}" must be a whole number, 0 or more, like 12000`);
      ok = false;
    }
    if (!ok) return;
    const key = `${characteristic}|${code}`;
    const first = seen.get(key);
    if (first !== undefined) return at(`${characteristic} ${code} is already on row ${first}: give each category once`);
    seen.set(key, n);
    rows.push({ characteristic, category_code: code!, count: Number(digits) });
  });
  if (!problems.length) {
    for (const c of CHARACTERISTICS) {
      const mine = rows.filter((r) => r.characteristic === c);
      if (mine.length && mine.every((r) => r.count === 0)) problems.push({ row: null, message: `The counts for ${c} add up to 0: give the number of people in each category` });
    }
  }
  return { rows: problems.length ? [] : rows, problems };
}

/** The name a data lead gives an upload: an error message, or null. */
export function nameProblem(name: string): string | null {
  if (!name) return 'Enter a name for the comparison population';
  if (name.length > MAX_NAME) return `The name must be ${MAX_NAME} characters or fewer`;
  return null;
}

/** A sample file (the same as test/fixtures/comparison-population-sample.csv). */
export const SAMPLE_CSV = [
  'characteristic,category_code,count',
  'ethnicity_group,White,41200',
  'ethnicity_group,Mixed,4300',
  'ethnicity_group,Asian,6100',
  'ethnicity_group,Black,2900',
  'ethnicity_group,Other,1500',
  'sex,F,27300',
  'sex,M,28700',
  'age_band,U1,2900',
  'age_band,1-4,12400',
  'age_band,5-9,16200',
  'age_band,10-15,18900',
  'age_band,16-17,5600',
  'disability,DISABLED,2400',
  'disability,NOTDISABLED,53600',
  '',
].join('\r\n');

/**
 * Where the comparison form's figures come from: the file chosen or the text pasted (one, not
 * both), with the form's errors (the name, the upload). text is null when there is nothing to read.
 */
export function comparisonSource(input: { name: string; pasted: string; file?: { size: number; originalname: string; buffer: Buffer }; uploadError?: string }) {
  const { name, pasted, file, uploadError } = input;
  const errors: Record<string, string> = {};
  const nameError = nameProblem(name);
  if (nameError) errors.name = nameError;
  let text: string | null = null;
  if (uploadError) errors.file = uploadError;
  else if (file && file.size && pasted.trim()) errors.csv = 'Choose a file or paste the figures, not both';
  else if (file && file.size) {
    if (!/\.(csv|txt)$/i.test(file.originalname)) errors.file = 'The selected file must be a CSV file';
    else if (file.buffer.includes(0)) errors.file = 'The selected file must be a CSV file saved as text (UTF-8)';
    else text = file.buffer.toString('utf8');
  } else if (file && !file.size) errors.file = 'The selected file is empty';
  else if (pasted.trim()) text = pasted;
  else errors.csv = 'Choose a CSV file or paste the figures';
  return { text, errors };
}
