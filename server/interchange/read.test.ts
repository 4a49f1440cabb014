import { describe, expect, it } from 'vitest';
import ExcelJS from 'exceljs';
import { InterchangeReadError, readInterchange } from './read.js';
import { cellText } from '../../test/support/exceljs-sheet.js';
import { neutralise } from './export.js';

describe('reading CSV', () => {
  it('tolerates a byte order mark and follows RFC 4180 quoting', async () => {
    const t = await readInterchange('\uFEFFa,b,c\r\n"x, y","say ""hi""","two\nlines"\r\n\r\n1,2,3\r\n');
    expect(t.header).toEqual(['a', 'b', 'c']);
    expect(t.rows).toEqual([['x, y', 'say "hi"', 'two\nlines'], [], ['1', '2', '3']]);
  });

  it('refuses text that is not UTF-8, saying how to save it', async () => {
    await expect(readInterchange(Buffer.from([0x61, 0x0a, 0xe9, 0x0a]))).rejects.toThrow(/UTF-8/);
  });

  it('reports broken quoting with the row', async () => {
    const e = await readInterchange('a,b\n1,"unclosed\n').catch((x) => x);
    expect(e).toBeInstanceOf(InterchangeReadError);
  });

  it('refuses an empty file', async () => {
    await expect(readInterchange('')).rejects.toThrow(/empty/);
  });
});

describe('reading xlsx', () => {
  it('reads the first sheet, turning dates, numbers and rich text into text, keeping row numbers', async () => {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('Cases');
    ws.addRow(['referral_ref', 'referral_date', 'attend_parents', 'first_name']);
    ws.addRow(['R1', new Date(Date.UTC(2024, 2, 5)), 3, { richText: [{ text: 'Al' }, { text: 'ex' }] }]);
    ws.getRow(4).values = ['R2', '2024-04-01', 0, true];
    wb.addWorksheet('Other').addRow(['ignored']);
    const t = await readInterchange(Buffer.from(await wb.xlsx.writeBuffer()), 'cases.xlsx');
    expect(t.header).toEqual(['referral_ref', 'referral_date', 'attend_parents', 'first_name']);
    expect(t.rows).toEqual([['R1', '2024-03-05', '3', 'Alex'], [], ['R2', '2024-04-01', '0', 'Y']]);
  });

  it('finds the workbook’s parts through the zip directory, so a workbook ExcelJS wrote (workbook.xml stored last) reads every time, hidden tabs skipped', async () => {
    // ExcelJS's own streaming reader now and then lost xl/workbook.xml, stored after the
    // sheet, and failed such a file (exceljs#3064): an upload refused for no reason.
    const wb = new ExcelJS.Workbook();
    wb.addWorksheet('Old', { state: 'hidden' }).addRow(['not', 'read']);
    const ws = wb.addWorksheet('Cases');
    ws.addRow(['referral_ref', 'referral_date']);
    ws.addRow(['R1', new Date(Date.UTC(2024, 2, 5))]);
    const buf = Buffer.from(await wb.xlsx.writeBuffer());
    const reads = await Promise.all(Array.from({ length: 200 }, () => readInterchange(buf, 'cases.xlsx')));
    for (const t of reads) expect(t).toEqual({ header: ['referral_ref', 'referral_date'], rows: [['R1', '2024-03-05']] });
  });

  it('refuses an old .xls workbook', async () => {
    await expect(readInterchange(Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0, 0]))).rejects.toThrow(/xlsx/);
  });

  it('takes a formula’s calculated value', () => {
    expect(cellText({ formula: 'A1', result: 'x' })).toBe('x');
    expect(cellText({ text: 'link', hyperlink: 'https://example.org' })).toBe('link');
  });
});

describe('formula neutralisation', () => {
  it('puts an apostrophe before text a spreadsheet would run', () => {
    for (const s of ['=HYPERLINK("http://x","y")', '+1', '-2', '@x', '\tx', '\rx']) expect(neutralise(s)).toBe(`'${s}`);
    for (const s of ['Alex', "O'Neill", '2024-01-01', '', '3']) expect(neutralise(s)).toBe(s);
  });
});
