import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { createTestApp, postForm, signIn, type Agent, type TestApp } from './support/app.js';
import { seedFamily, seedReferral } from './support/cases.js';
import { buildReturn, returnWorkbook } from '../server/annual-return/return-service.js';

const exec = promisify(execFile);
let t: TestApp;
let lead: Agent;
const ids: Record<string, number> = {};

// 2024-25. Family A: two children on one referral (one with no CMS id), consented, held, plan agreed, reviewed.
// Family B: an unborn child and a sibling on different referrals; one declined, one still open.
// Family C: a child on two referrals in the year (counted once), one closed without a conference.
beforeAll(async () => {
  t = await createTestApp();
  lead = await signIn(t.app, t.users.data_lead.email);
  const db = t.testDb.db;
  const a = await seedFamily(db, 'A', [
    { first_name: 'Ann', date_of_birth: '2015-05-01', sex: 'F', ethnicity: 'WBRI', cms_id: 'CMS0000001', disabilities: ['NONE'] },
    { first_name: 'Abe', date_of_birth: '2020-01-10', sex: 'M', ethnicity: 'MWBC' },
  ]);
  ids.a = await seedReferral(db, a.familyId, [{ child_id: a.childIds[0], legal_status: 'CP' }, { child_id: a.childIds[1] }], {
    referral_date: '2024-04-10', stage_offered: 'CP', referral_source: 'SW', offer_date: '2024-04-12', consent_decision: 'GIVEN', consent_date: '2024-04-20',
    initial_fgc_date: '2024-05-20', attend_parents: 2, attend_maternal: 2, child_participation: 'ATTENDED', advocate_used: true, private_family_time: true,
    plan_agreed: true, plan_date: '2024-05-20',
  }, { reviews: ['2024-08-20'], plan_content: ['REMAIN'] });
  const b = await seedFamily(db, 'B', [
    { first_name: 'Bo', expected_date_of_birth: '2024-09-01', sex: 'U', cms_id: 'CMS0000002' },
    { first_name: 'Bea', date_of_birth: '2008-03-01', sex: 'F', ethnicity: 'BAFR', cms_id: 'CMS0000003', disabilities: ['AUT'] },
  ]);
  ids.b1 = await seedReferral(db, b.familyId, [{ child_id: b.childIds[0], legal_status: 'PLO' }], {
    referral_date: '2024-06-01', stage_offered: 'PLO', referral_source: 'LEGAL', lbp_date: '2024-05-30', offer_date: '2024-06-01',
    consent_decision: 'DECLINED', consent_date: '2024-06-10', decline_reason: 'DISTRUST', closure_date: '2024-06-15',
  });
  ids.b2 = await seedReferral(db, b.familyId, [{ child_id: b.childIds[1], legal_status: 'CIN' }], { referral_date: '2025-01-15', stage_offered: 'CIN' });
  const c = await seedFamily(db, 'C', [{ first_name: 'Cy', date_of_birth: '2012-02-02', sex: 'M', ethnicity: 'AIND', cms_id: 'CMS0000004' }]);
  ids.c1 = await seedReferral(db, c.familyId, [{ child_id: c.childIds[0], legal_status: 'EH' }], {
    referral_date: '2024-07-01', stage_offered: 'EH', offer_date: '2024-07-02', consent_decision: 'GIVEN', consent_date: '2024-07-12',
    fgc_not_held_reason: 'NETWORK', closure_date: '2024-08-01',
  });
  ids.c2 = await seedReferral(db, c.familyId, [{ child_id: c.childIds[0], legal_status: 'CP' }], { referral_date: '2024-10-01', stage_offered: 'CP' });
  // last year's referral whose conference falls in 2024-25
  ids.old = await seedReferral(db, c.familyId, [{ child_id: c.childIds[0], legal_status: 'CIN' }], {
    referral_date: '2024-03-01', stage_offered: 'CIN', offer_date: '2024-03-05', consent_decision: 'GIVEN', consent_date: '2024-03-20', initial_fgc_date: '2024-04-05',
  });
  ids.childA0 = a.childIds[0];
  ids.childB0 = b.childIds[0];
});
afterAll(() => t.close());

const cell = (text: string, label: string) => {
  const m = new RegExp(`${label}</th>\\s*<td[^>]*>(?:<a[^>]*>)?([\\d,.]+|None)`).exec(text);
  return m ? m[1] : undefined;
};

describe('the return page', () => {
  it('shows every summary figure, counted by the rules', async () => {
    const res = await lead.get('/returns/2024');
    expect(res.status).toBe(200);
    expect(cell(res.text, 'Referrals received \\(FGCs\\)')).toBe('5');
    expect(cell(res.text, 'Children subject to a referral')).toBe('5'); // Cy counted once across two referrals
    expect(cell(res.text, 'FGCs consented to')).toBe('2');
    expect(cell(res.text, 'FGCs declined \\(declined or no response\\)')).toBe('1');
    expect(cell(res.text, 'Initial FGCs that took place')).toBe('2'); // A, and last year's referral held in April 2024
    expect(cell(res.text, 'FGCs that did not take place')).toBe('2'); // B1 (declined) and C1 (network)
    expect(cell(res.text, 'Review FGCs held')).toBe('1');
    expect(cell(res.text, 'Median days, referral to consent')).toBe('10.5'); // 10 and 11 days
  });

  it('opens the referrals or children behind a figure', async () => {
    const res = await lead.get('/returns/2024/figures?breakdown=referred.children.ageBand&code=UNBORN');
    expect(res.status).toBe(200);
    expect(res.text).toContain('1 child');
    expect(res.text).toContain(`/families/`);
    const fgcs = await lead.get('/returns/2024/figures?population=declined&unit=fgcs');
    expect(fgcs.text).toMatch(/R0+\d+/);
    expect(fgcs.text).toContain('1 FGC');
    expect((await lead.get('/returns/2024/figures?breakdown=nope&code=X')).status).toBe(404);
  });

  it('is refused to coordinators and managers', async () => {
    for (const role of ['coordinator', 'manager'] as const) {
      const agent = await signIn(t.app, t.users[role].email);
      expect((await agent.get('/returns/2024')).status).toBe(403);
      expect((await agent.get('/returns/2024/workbook.xlsx')).status).toBe(403);
    }
  });

  it('keeps the written answers the data lead enters, for every year', async () => {
    const page = await lead.get('/returns/answers');
    expect(page.status).toBe(200);
    const bad = await postForm(lead, '/returns/answers', { la_code: '12' });
    expect(bad.status).toBe(400);
    expect(bad.text).toContain('DfE local authority code must be 3 digits');
    const ok = await postForm(lead, '/returns/answers', { council_name: 'Testshire', la_code: '999', delivery_model: '=In-house' });
    expect(ok.status).toBe(302);
  });
});

describe('the workbook', () => {
  let file: string;
  let wb: ExcelJS.Workbook;
  beforeAll(async () => {
    const res = await lead.get('/returns/2024/workbook.xlsx').buffer(true).parse((r, cb) => {
      const chunks: Buffer[] = [];
      r.on('data', (c: Buffer) => chunks.push(c));
      r.on('end', () => cb(null, Buffer.concat(chunks)));
    });
    expect(res.status).toBe(200);
    expect(res.headers['content-disposition']).toContain('fgc-survey-return-2024-25.xlsx');
    file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'fgc-return-')), 'return.xlsx');
    fs.writeFileSync(file, res.body);
    wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(file);
  });

  it('holds the same figures as the page', async () => {
    const page = (await lead.get('/returns/2024')).text;
    const summary = wb.getWorksheet('Summary')!;
    const byLabel = new Map<string, unknown>();
    summary.eachRow((row) => byLabel.set(String(row.getCell(2).value), row.getCell(3).value));
    for (const label of ['Referrals received (FGCs)', 'Children subject to a referral', 'FGCs consented to', 'Initial FGCs that took place', 'FGCs that did not take place']) {
      const onScreen = cell(page, label.replace(/[()]/g, '\\$&'));
      expect(byLabel.get(label), label).toBe(Number(onScreen));
    }
    expect(byLabel.get('Median days, referral to consent')).toBe(10.5);
    const about = wb.getWorksheet('About')!;
    const aboutValues: unknown[] = [];
    about.eachRow((row) => aboutValues.push(row.getCell(3).value));
    expect(aboutValues).toContain('Testshire');
    expect(aboutValues).toContain('2024-25');
    // user text that looks like a formula is a string cell, as typed (Excel never runs a string cell)
    expect(aboutValues.find((v) => typeof v === 'string' && v.includes('In-house'))).toMatch(/^=In-house/);
    about.eachRow((row) => row.eachCell((c) => expect(c.type).not.toBe(ExcelJS.ValueType.Formula)));
  });

  it('has every breakdown table reconcile with its population, read back from the file', async () => {
    const { ret } = await buildReturn(t.testDb.db, 2024);
    const referrals = wb.getWorksheet('Referrals')!;
    const values: [string, unknown][] = [];
    referrals.eachRow((row) => values.push([String(row.getCell(2).value), row.getCell(3).value]));
    const totals = values.filter(([label]) => label === 'Total').map(([, v]) => v);
    expect(totals).toHaveLength(8);
    expect(totals.slice(0, 6)).toEqual(Array(6).fill(ret.populations.referred.children));
    expect(totals.slice(6)).toEqual([ret.populations.referred.fgcs, ret.populations.referred.fgcs]);
    expect(values).toContainEqual(['Unborn', 1]);
  });

  it('opens in LibreOffice, whose reading matches exceljs', async () => {
    const dir = path.dirname(file);
    await exec('soffice', ['--headless', '--norestore', `-env:UserInstallation=file://${dir}/lo-profile`, '--convert-to', 'csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,2', '--outdir', dir, file], { timeout: 120_000 });
    const csv = fs.readFileSync(path.join(dir, 'return-Summary.csv'), 'utf8');
    expect(csv).toMatch(/Referrals received \(FGCs\),5/);
    expect(csv).toMatch(/Children subject to a referral,5/);
    expect(csv).toMatch(/"Median days, referral to consent",10\.5/);
  }, 150_000);
});

describe('a different template with a different mapping', () => {
  it('is filled by the same code', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fgc-alt-'));
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('Return');
    ws.getCell('A1').value = 'Council';
    ws.getCell('A2').value = 'FGCs referred';
    ws.getCell('A3').value = 'Unborn children referred';
    ws.getCell('A4').value = 'Declines by reason';
    await wb.xlsx.writeFile(path.join(dir, 'official.xlsx'));
    fs.writeFileSync(path.join(dir, 'official.map.json'), JSON.stringify({
      template: 'official.xlsx',
      cells: [
        { sheet: 'Return', cell: 'D1', figure: 'setting:council_name' },
        { sheet: 'Return', cell: 'D2', figure: 'population:referred:fgcs' },
        { sheet: 'Return', cell: 'D3', figure: 'breakdown:referred.children.ageBand:UNBORN' },
        // the rest of the age bands, so no counted child is left without a cell
        ...['U1', '1-4', '5-9', '10-15', '16-17', '18+', 'NR'].map((code, i) => ({ sheet: 'Return', cell: `J${i + 1}`, figure: `breakdown:referred.children.ageBand:${code}` })),
      ],
      tables: [{ sheet: 'Return', anchor: 'F4', source: 'breakdown:declined.fgcs.declineReason', maxRows: 20, countOffset: 2 }],
    }));
    const built = await buildReturn(t.testDb.db, 2024);
    const out = new ExcelJS.Workbook();
    await out.xlsx.load(await returnWorkbook(built, path.join(dir, 'official.map.json')) as unknown as ExcelJS.Buffer);
    const sheet = out.getWorksheet('Return')!;
    expect(sheet.getCell('D1').value).toBe('Testshire');
    expect(sheet.getCell('D2').value).toBe(5);
    expect(sheet.getCell('D3').value).toBe(1);
    expect(sheet.getCell('A2').value).toBe('FGCs referred'); // the template's own text is untouched
    const distrustRow = [...Array(20).keys()].map((i) => 4 + i).find((r) => String(sheet.getCell(`F${r}`).value).startsWith('Did not want further involvement'))!;
    expect(sheet.getCell(`H${distrustRow}`).value).toBe(1);
  });

  it('refuses a mapping that would drop counted children', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fgc-alt-'));
    const wb = new ExcelJS.Workbook();
    wb.addWorksheet('Return');
    await wb.xlsx.writeFile(path.join(dir, 't.xlsx'));
    fs.writeFileSync(path.join(dir, 't.map.json'), JSON.stringify({ template: 't.xlsx', cells: [{ sheet: 'Return', cell: 'B2', figure: 'breakdown:referred.children.sex:F' }] }));
    const built = await buildReturn(t.testDb.db, 2024);
    await expect(returnWorkbook(built, path.join(dir, 't.map.json'))).rejects.toThrow(/no cell for "Male"/);
  });

  it('refuses to write a return that does not reconcile', async () => {
    const built = await buildReturn(t.testDb.db, 2024);
    built.ret.breakdowns['referred.children.sex'].rows[0].count += 1;
    await expect(returnWorkbook(built)).rejects.toThrow(/cannot be written/);
  });
});

describe('child-level extract', () => {
  it('has one row per child per referral, no names, month of birth only, formulas neutralised', async () => {
    const res = await lead.get('/returns/2024/child-extract.csv');
    expect(res.status).toBe(200);
    const lines = res.text.replace(/^\uFEFF/, '').trim().split('\r\n');
    expect(lines[0]).toContain('cms_id,child_ref,birth_month');
    expect(lines).toHaveLength(1 + 7); // A has 2 children; B1, B2, C1, C2, old have 1 each
    expect(res.text).not.toMatch(/Ann|Abe|Bea|2015-05-01/);
    expect(res.text).toContain('2015-05');
    const rowA = lines.find((l) => l.startsWith('CMS0000001'))!;
    expect(rowA).toContain(',Y,2024-04-12,Y,2024-05-20,GIVEN,1,');
    const audit = await t.testDb.db('audit_log').where({ action: 'export', entity: 'child-extract' });
    expect(audit).toHaveLength(1);
    const xlsx = await lead.get('/returns/2024/child-extract.xlsx');
    expect(xlsx.status).toBe(200);
    expect(xlsx.headers['content-type']).toContain('spreadsheetml');
  });
});
