import { describe, expect, it } from 'vitest';
import ExcelJS from 'exceljs';
import { parseFreeDate } from '../server/tracker-import/dates.js';
import { columnsAt, detectHeader, headerForMapping } from '../server/tracker-import/header.js';
import { headingMatches, knownHeading, mappingFits, mappingProblems, parseMapping, suggestColumns, type TrackerMapping } from '../server/tracker-import/mapping.js';
import { parseRange, readTracker } from '../server/tracker-import/read.js';
import { excelSerialDate, readXlsxAll } from '../server/uploads/xlsx.js';
import { exceljsRows } from './support/exceljs-sheet.js';
import { toInterchange, valuesToMap } from '../server/tracker-import/transform.js';
import { splitPlan } from '../server/interchange/parts.js';
import { toUtf8 } from '../server/tracker-import/index.js';
import { validateInterchange } from '../server/interchange/validate.js';
import { SEED_CODE_LISTS } from '../db/seed/code-lists.js';
import type { CodeLists } from '../server/codes/code-lists.js';
import { buildMessyTracker, HEADINGS, MESSY_MAPPING } from './fixtures/messy-tracker.js';

// The tracker import's parts, without a database: free-text dates, finding the headings,
// suggesting a mapping, converting rows, splitting a plan into parts.

const codes: CodeLists = Object.fromEntries(Object.entries(SEED_CODE_LISTS).map(([k, v]) => [k, v.map((c) => ({ ...c, retired: false }))]));

describe('free-text dates', () => {
  const cases: [string, string | null][] = [
    ['3rd March 2024', '2024-03-03'],
    ['Sunday 3rd March 2024', '2024-03-03'],
    ['3 March, 2024', '2024-03-03'],
    ['the 3rd of March 2024', null], // "the" is not a date word
    ['3rd of March 2024', '2024-03-03'],
    ['03/03/24', '2024-03-03'],
    ['3/3/2024', '2024-03-03'],
    ['03.03.2024', '2024-03-03'],
    ['03-03-2024', '2024-03-03'],
    ['2024-03-03', '2024-03-03'],
    ['2024/3/3', '2024-03-03'],
    ['2024-03-03T00:00:00.000Z', '2024-03-03'],
    ['03/03/2024 10:15', '2024-03-03'],
    ['3 Mar 2024', '2024-03-03'],
    ['3-Mar-24', '2024-03-03'],
    ['Mar 3, 2024', '2024-03-03'],
    ['March 3 2024', '2024-03-03'],
    ['2024 March 3', '2024-03-03'],
    ['3 Sept 2024', '2024-09-03'],
    ['45354', '2024-03-03'], // an Excel serial number
    ['45354.5', '2024-03-03'],
    ['1/12/99', '1999-12-01'],
    ['1/12/29', '2029-12-01'],
    ['29/02/2023', null], // not a leap year
    ['29th February 2024', '2024-02-29'],
    ['03/13/2024', null], // day first: there is no month 13
    ['March 2024', null], // no day
    ['2024', null],
    ['tbc', null],
    ['3 Marchember 2024', null],
    ['', null],
  ];
  for (const [text, iso] of cases) it(`${JSON.stringify(text)} → ${iso}`, () => expect(parseFreeDate(text)).toBe(iso));

  it('serial numbers are five figures, up to 2099', () => {
    expect(excelSerialDate(2024)).toBeNull();
    expect(excelSerialDate(80000)).toBeNull();
    expect(excelSerialDate(10000)).toBe('1927-05-18');
    expect(excelSerialDate(73050)).toBe('2099-12-31');
  });
});

describe('reading a messy workbook', () => {
  it('reads merged ranges and copies each value into its range', async () => {
    const sheet = await readTracker(await buildMessyTracker(), 'messy.xlsx');
    expect(sheet.format).toBe('xlsx');
    expect(sheet.merges).toContainEqual(parseRange('F4:H4'));
    expect(sheet.merges).toContainEqual(parseRange('A4:A5'));
    expect(sheet.rows[3].slice(5, 8)).toEqual(['Consent', 'Consent', 'Consent']);
    expect(sheet.rows[6][1]).toBe('F1'); // the family id merged down over the family's second row
    expect(sheet.rows[5][6]).toBe('2023-05-20'); // a date cell
    expect(sheet.rows[5][15]).toBe('45296'); // a serial number without a date format
  });

  it('the streaming xlsx reader reads every kind of cell as ExcelJS does', async () => {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('First');
    ws.addRow(['a & b <c>', { richText: [{ text: 'Rich ' }, { font: { bold: true }, text: 'text' }] }, true, false, { formula: '1+1', result: 2 },
      { formula: 'A1&"x"', result: 'a & b <c>x' }, 1.5, 'line\r\nbreak', '  spaced  ', 'é ü 😀']);
    const r = ws.addRow([new Date(Date.UTC(2024, 2, 3)), 45354, { error: '#N/A' }, null, 'after a gap']);
    r.getCell(1).numFmt = 'd mmmm yyyy';
    r.getCell(2).numFmt = '[$-809]dd/mm/yyyy;@';
    ws.addRow([]);
    ws.addRow(['x', { hyperlink: 'http://example.org', text: 'link' }]);
    ws.mergeCells('A5:B6');
    wb.addWorksheet('Second').addRow(['not read']);
    const buf = Buffer.from(await wb.xlsx.writeBuffer());
    const general: string[][] = [];
    for await (const { row, cells } of exceljsRows(buf)) {
      while (general.length < row - 1) general.push([]);
      general.push(cells);
    }
    const fast = await readXlsxAll(buf);
    expect(fast.rows).toEqual(general);
    expect(fast.rows[1].slice(0, 3)).toEqual(['2024-03-03', '2024-03-03', '#N/A']);
    expect(fast.merges).toEqual([parseRange('A5:B6')]);
    const messy = await buildMessyTracker();
    const all: string[][] = [];
    for await (const { row, cells } of exceljsRows(messy)) {
      while (all.length < row - 1) all.push([]);
      all.push(cells);
    }
    expect((await readXlsxAll(messy)).rows).toEqual(all);
  });

  it('reads a Windows-1252 CSV (Excel’s "CSV (Comma delimited)")', async () => {
    const csv = Buffer.from('Referral ID,Surname\r\nR1,Sm\xf8rgrav\r\n', 'latin1');
    const sheet = await readTracker(toUtf8(csv, 'x.csv'), 'x.csv');
    expect(sheet.rows[1]).toEqual(['R1', 'Smørgrav']);
  });
});

describe('finding the headings', () => {
  it('finds headings below title rows, combining a merged group heading with the headings under it', async () => {
    const sheet = await readTracker(await buildMessyTracker(), 'messy.xlsx');
    const found = detectHeader(sheet.rows, sheet.merges, knownHeading)!;
    expect(found.confident).toBe(true);
    expect(found.header.row).toBe(5);
    expect(found.header.depth).toBe(2);
    const names = found.header.columns.map((c) => c.name);
    expect(names).toEqual(Object.keys(MESSY_MAPPING.columns));
    expect(names.slice(5, 8)).toEqual(['Consent Given?', 'Consent Date', 'Consent Reason declined']);
    expect(names[0]).toBe('FGC no.'); // merged down over both heading rows: once, not twice
    expect(HEADINGS).toHaveLength(names.length);
  });

  it('a CSV: the first full row of text after notes, one heading row', () => {
    const rows = [['North team FGC log'], [], ['Updated weekly', 'by Jo'], ['Ref', 'Family', 'Referral date', 'Child', 'DOB'], ['R1', 'F1', '1/4/2023', 'C1', '1/1/2015']];
    const found = detectHeader(rows, [])!;
    expect(found.header).toMatchObject({ row: 4, depth: 1 });
    expect(found.header.columns.map((c) => c.name)).toEqual(['Ref', 'Family', 'Referral date', 'Child', 'DOB']);
  });

  it('names a column with data but no heading by its letter, and repeats apart', () => {
    const rows = [['Date', 'Date', ''], ['1/1/2024', '2/1/2024', 'x']];
    expect(columnsAt(rows, 1, 1, { width: 3 }).map((c) => c.name)).toEqual(['Date', 'Date (2)', 'Column C']);
  });

  it('a saved mapping finds its headings wherever they have moved to', async () => {
    const sheet = await readTracker(await buildMessyTracker(), 'messy.xlsx');
    const shifted = [[], [], ...sheet.rows];
    const found = headerForMapping(shifted, [], new Set(Object.keys(MESSY_MAPPING.columns).map((k) => k.toLowerCase())))!;
    expect(found.header.row).toBe(7);
    expect(found.matched).toBe(26);
  });
});

describe('suggesting a mapping', () => {
  it('suggests interchange columns from tracker headings', () => {
    const cols = ['Referral ID', 'Family No.', 'Date of referral', 'Co-ordinator', 'D.O.B.', 'Ethnic origin', 'Gender', 'Mosaic ID', 'Child ID',
      'Review 1 date', 'Review 2 date', 'Legal status at 6 mths', 'Favourite colour'].map((name, index) => ({ index, name }));
    expect(suggestColumns(cols)).toEqual({
      'Referral ID': 'referral_ref', 'Family No.': 'family_ref', 'Date of referral': 'referral_date', 'Co-ordinator': 'coordinator',
      'D.O.B.': 'date_of_birth', 'Ethnic origin': 'ethnicity', Gender: 'sex', 'Mosaic ID': 'cms_id', 'Child ID': 'child_ref',
      'Review 1 date': 'review_fgc_dates', 'Review 2 date': 'review_fgc_dates', // a list column may take several
      'Legal status at 6 mths': 'outcome_6m_legal_status', 'Favourite colour': null,
    });
  });

  it('an interchange column name matches itself', () => {
    expect(headingMatches('initial_fgc_date')[0]).toEqual({ column: 'initial_fgc_date', score: 1 });
  });

  it('reports required columns left unmapped and a single column fed twice', () => {
    const cols = [{ index: 0, name: 'A' }, { index: 1, name: 'B' }, { index: 2, name: 'C' }];
    const m: TrackerMapping = { columns: { A: 'referral_ref', B: 'sex', C: 'sex' }, values: {} };
    expect(mappingProblems(m, cols).map((p) => p.message)).toEqual([
      '"B" and "C" are both mapped to sex. Only one column can give sex',
      'Choose the column that gives family_ref (the reference of each family)',
      'Choose the column that gives referral_date (the date each referral was received)',
      'Choose the column that gives child_ref (the reference of each child)',
    ]);
  });

  it('a saved mapping fits a file with the same headings, in any case or spacing, and no others', () => {
    const cols = (names: string[]) => names.map((name, index) => ({ index, name }));
    const m: TrackerMapping = { columns: { 'Ref': 'referral_ref', 'Notes': null }, values: {} };
    expect(mappingFits(m, cols(['REF ', 'notes']))).toBe(true);
    expect(mappingFits(m, cols(['Ref']))).toBe(true); // an ignored column may go
    expect(mappingFits(m, cols(['Notes']))).toBe(false); // an imported one may not
    expect(mappingFits(m, cols(['Ref', 'Notes', 'New column']))).toBe(false);
  });

  it('rejects a mapping naming a column we do not have', () => {
    expect(parseMapping({ columns: { A: 'favourite_colour' } })).toEqual({ error: 'The mapping sends "A" to favourite_colour, which is not an interchange column' });
    expect(parseMapping({ columns: 'no' })).toMatchObject({ error: expect.stringMatching(/^The mapping is not valid: columns/) });
  });
});

describe('converting rows', () => {
  const header = { row: 1, depth: 1, columns: ['Ref', 'Fam', 'Received', 'Child', 'Consent', 'Reasons', 'Reviews 1', 'Reviews 2', 'Parents', 'Plan?', 'Disability'].map((name, index) => ({ index, name })) };
  const mapping: TrackerMapping = {
    columns: { Ref: 'referral_ref', Fam: 'family_ref', Received: 'referral_date', Child: 'child_ref', Consent: 'consent_decision', Reasons: 'decline_reason',
      'Reviews 1': 'review_fgc_dates', 'Reviews 2': 'review_fgc_dates', Parents: 'attend_parents', 'Plan?': 'plan_agreed', Disability: 'disability' },
    values: { consent_decision: { 'yes please': 'GIVEN' }, plan_agreed: { agreed: 'Y' } },
  };
  const rows = (...data: string[][]) => [header.columns.map((c) => c.name), ...data];

  it('dates to ISO, labels and mapped values to codes, several columns into one list, n/a to blank', async () => {
    const t = await toInterchange(rows(['R1', 'F1', '3rd April 2023', 'C1', 'Yes please', '', '1 June 2023', '2/7/2023', 'n/a', 'agreed', 'Autism / Asperger\'s; learning']), header, mapping, codes);
    expect(t.problems).toEqual([]);
    expect(t.table.header).toEqual(['referral_ref', 'family_ref', 'referral_date', 'consent_decision', 'decline_reason', 'attend_parents', 'plan_agreed', 'review_fgc_dates', 'child_ref', 'disability']);
    expect(t.table.rows[0]).toEqual(['R1', 'F1', '2023-04-03', 'GIVEN', '', '', 'Y', '2023-06-01;2023-07-02', 'C1', 'AUT;LD']);
  });

  it('reports what it cannot convert with the tracker row and heading, leaving the rest to the interchange checks', async () => {
    const t = await toInterchange(rows(
      ['R1', 'F1', '3rd April 2023', 'C1', 'Perhaps', '', '', '', 'two', 'Y', ''],
      ['R2', 'F2', 'sometime in May', 'C2', '', '', '', '', '', 'maybe', ''],
    ), header, mapping, codes);
    expect(t.problems.map((p) => [p.row, p.column, p.value])).toEqual([
      [2, 'Consent', 'Perhaps'],
      [2, 'Parents', 'two'],
      [3, 'Received', 'sometime in May'],
      [3, 'Plan?', 'maybe'],
    ]);
    expect(t.problems[0].message).toBe('"Perhaps" in "Consent" is not one of our consent decision codes or labels. Choose the code it means in the mapping');
  });

  it('skips blank rows, single values, totals and notes below the data, and keeps row numbers', async () => {
    const t = await toInterchange(rows(
      ['R1', 'F1', '3/4/2023', 'C1'],
      [],
      ['Closed cases'],
      ['R2', 'F2', '4/4/2023', 'C2'],
      ['', '', '', '', '', '', '', '', '7'],
      ['Total', '', '', '', '', '', '', '', '7'],
      ['', '', '', '', 'Note: to be checked', 'by Jo'],
    ), header, mapping, codes);
    expect(t.dataRows).toBe(2);
    expect(t.skipped.map((s) => [s.row, s.reason])).toEqual([
      [4, 'A single value (a heading or a note)'],
      [6, 'A single value (a heading or a note)'],
      [7, 'A totals or notes row'],
      [8, 'No reference, below the last row of data (totals or notes)'],
    ]);
    const plan = validateInterchange(t.table, codes);
    expect(plan.problems).toEqual([]);
    expect(plan.referrals.map((r) => [r.referral_ref, r.row])).toEqual([['R1', 2], ['R2', 5]]);
  });

  it('lists the values still to map, most used first', async () => {
    const sheet = rows(['R1', 'F1', '3/4/2023', 'C1', 'nope', '', '', '', '', 'Y'], ['R1', 'F1', '3/4/2023', 'C2', 'Nope ', '', '', '', '', 'Tick'], ['R2', 'F1', '3/4/2023', 'C3', 'Yes please', '', '', '', '', 'Agreed']);
    const found = valuesToMap(sheet, header, mapping, codes);
    expect([...found.keys()]).toEqual(['consent_decision']);
    expect(found.get('consent_decision')).toEqual([{ value: 'nope', key: 'nope', count: 2, firstRow: 2 }]);
    const all = valuesToMap(sheet, header, mapping, codes, { all: true });
    expect(all.get('consent_decision')!.map((v) => v.key)).toEqual(['nope', 'yes please']);
    expect(all.get('plan_agreed')!.map((v) => v.key)).toEqual(['agreed']);
  });
});

describe('splitting a plan into parts', () => {
  it('keeps each family whole, with its children and referrals', async () => {
    const sheet = await readTracker(await buildMessyTracker(), 'messy.xlsx');
    const t = await toInterchange(sheet.rows, detectHeader(sheet.rows, sheet.merges, knownHeading)!.header, MESSY_MAPPING, codes);
    const plan = validateInterchange(t.table, codes);
    const parts = splitPlan(plan, 2);
    expect(parts.map((p) => p.families.map((f) => f.family_ref))).toEqual([['F1'], ['F2'], ['F3', 'F4']]);
    expect(parts[0].referrals.map((r) => r.referral_ref)).toEqual(['FGC-1', 'FGC-2']);
    expect(parts[0].children.map((c) => c.child_ref)).toEqual(['C1', 'C2', 'C3']);
    expect(parts.reduce((n, p) => n + p.rowCount, 0)).toBe(plan.rowCount);
  });
});

describe('a header-only xlsx', () => {
  it('is read without error and has no data rows', async () => {
    const wb = new ExcelJS.Workbook();
    wb.addWorksheet('S').addRow(['Referral ID', 'Family ID', 'Referral date', 'Child ID']);
    const sheet = await readTracker(Buffer.from(await wb.xlsx.writeBuffer()), 'x.xlsx');
    expect(sheet.rows).toHaveLength(1);
    expect(detectHeader(sheet.rows, sheet.merges, knownHeading)?.header.row).toBe(1);
  });
});
