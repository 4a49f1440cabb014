import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import request from 'supertest';
import ExcelJS from 'exceljs';
import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import type { Knex } from 'knex';
import { createTestApp, signIn, type Agent, type TestApp } from './support/app.js';
import { createTestDb, type TestDb } from './support/db.js';
import { runScript } from './support/cli.js';
import { buildReturn } from '../server/annual-return/return-service.js';
import { currentFinancialYear } from '../server/cases/years.js';
import { caseCounts } from './support/counts.js';
import { exportCsv, exportXlsx, importInterchange } from '../server/interchange/index.js';
import { COLUMN_NAMES } from '../server/interchange/columns.js';

const FIXTURE = fs.readFileSync(new URL('./fixtures/interchange-small.csv', import.meta.url));

type Rec = Record<string, string>;
const records = (csv: Buffer | string): Rec[] => parse(csv, { columns: true, bom: true });
const toCsv = (rows: Rec[], header = Object.keys(rows[0])) => stringify([header, ...rows.map((r) => header.map((h) => r[h] ?? ''))]);
const fixtureRows = () => records(FIXTURE);

let t: TestApp;
let db: Knex;
let dataLead: number;

beforeAll(async () => {
  t = await createTestApp();
  db = t.testDb.db;
  dataLead = t.users.data_lead.id;
});
afterAll(() => t.close());

describe('importing the small fixture', () => {
  it('dry run reports what would happen and writes nothing', async () => {
    const before = await caseCounts(db);
    const r = await importInterchange(db, FIXTURE, { filename: 'small.csv', userId: dataLead, dryRun: true });
    expect(r.problems).toEqual([]);
    expect(r.applied).toBe(false);
    expect(r.summary).toEqual({
      rows: 6,
      families: { create: 3, update: 0, unchanged: 0 },
      children: { create: 6, update: 0, unchanged: 0 },
      referrals: { create: 4, update: 0, unchanged: 0 },
    });
    expect(await caseCounts(db)).toEqual(before);
  });

  it('applies, auditing every created field under the importing user', async () => {
    const r = await importInterchange(db, FIXTURE, { filename: 'small.csv', userId: dataLead });
    expect(r).toMatchObject({ applied: true, problems: [] });
    const c = await caseCounts(db);
    expect(c).toMatchObject({ families: 3, children: 6, referrals: 4, referral_children: 6, referral_plan_content: 2, review_conferences: 2 });

    const r1 = await db('referrals').where({ referral_ref: 'R001' }).first();
    expect(r1.coordinator_id).toBe(t.users.coordinator.id); // matched by email
    expect(r1.coordinator_name).toBeNull();
    const r2 = await db('referrals').where({ referral_ref: 'R002' }).first();
    expect(r2).toMatchObject({ coordinator_id: null, coordinator_name: 'Jo Bloggs', decline_reason: 'DISTRUST' });

    // Siblings on different referrals; a non-CMS child; an unborn child.
    const f1 = await db('families').where({ family_ref: 'F001' }).first();
    expect((await db('children').where({ family_id: f1.id }).orderBy('child_ref')).map((x) => x.child_ref)).toEqual(['C001', 'C002', 'C003']);
    expect(await db('children').where({ child_ref: 'C004' }).first()).toMatchObject({ cms_id: null, last_name: "O'Neill" });
    expect(await db('children').where({ child_ref: 'C005' }).first()).toMatchObject({ date_of_birth: null, expected_date_of_birth: '2024-02-10', sex: 'U' });

    const audit = await db('audit_log').whereNot({ entity: 'interchange' });
    expect(audit.length).toBeGreaterThan(50);
    expect(audit.every((a) => a.user_id === dataLead)).toBe(true);
    const dob = audit.find((a) => a.entity === 'child' && a.field === 'date_of_birth' && a.new_value === '2015-03-02');
    expect(dob).toMatchObject({ action: 'create', family_id: f1.id });
    expect(dob.child_id).toBeTruthy();
    expect(audit.find((a) => a.entity === 'referral' && a.field === 'stage_offered' && a.referral_id === r1.id)).toMatchObject({ new_value: 'CP', family_id: f1.id });
    expect(audit.filter((a) => a.entity === 'review' && a.referral_id === r1.id)).toHaveLength(2);
    const event = await db('audit_log').where({ action: 'import', entity: 'interchange' });
    expect(event).toHaveLength(1);
    expect(event[0].new_value).toMatch(/small\.csv: 6 rows; families: 3 created/);
  });

  it('re-importing the same file changes nothing and writes no audit rows', async () => {
    const before = await caseCounts(db);
    const versions = await db('referrals').select('referral_ref', 'version').orderBy('referral_ref');
    const r = await importInterchange(db, FIXTURE, { filename: 'small.csv', userId: dataLead });
    expect(r.applied).toBe(false);
    expect(r.summary).toMatchObject({ families: { create: 0, update: 0, unchanged: 3 }, children: { unchanged: 6 }, referrals: { unchanged: 4 } });
    expect(await caseCounts(db)).toEqual(before);
    expect(await db('referrals').select('referral_ref', 'version').orderBy('referral_ref')).toEqual(versions);
  });

  it('accepts labels in any case and DD/MM/YYYY dates: the same data written differently changes nothing', async () => {
    const rows = fixtureRows().map((r) => ({
      ...r,
      referral_date: r.referral_date.split('-').reverse().join('/'),
      ethnicity: { WBRI: 'white british', MWBC: 'WHITE AND BLACK CARIBBEAN', APKN: 'Pakistani' }[r.ethnicity] ?? r.ethnicity,
      sex: { M: 'male', F: 'Female', U: 'unknown / not yet born' }[r.sex] ?? r.sex,
      consent_decision: { GIVEN: 'consent given', DECLINED: 'Declined' }[r.consent_decision] ?? r.consent_decision,
      plan_content: r.plan_content ? 'safety plan / supervision by network;child to live with a family or friends carer' : '',
      coordinator: r.coordinator === 'coordinator@council.example' ? 'COORDINATOR@council.example' : r.coordinator,
    }));
    const before = await caseCounts(db);
    const r = await importInterchange(db, toCsv(rows), { filename: 'labels.csv', userId: dataLead });
    expect(r.problems).toEqual([]);
    expect(r.summary.referrals).toEqual({ create: 0, update: 0, unchanged: 4 });
    expect(r.summary.children).toEqual({ create: 0, update: 0, unchanged: 6 });
    expect(await caseCounts(db)).toEqual(before);
  });
});

describe('a file with problems', () => {
  const cases: [string, (rows: Rec[]) => string, { row: number; column: string; value?: string }][] = [
    ['a bad date', (rows) => toCsv(rows.map((r, i) => (i === 2 ? { ...r, consent_date: '31/02/2024' } : r))), { row: 4, column: 'consent_date', value: '31/02/2024' }],
    ['an unknown code', (rows) => toCsv(rows.map((r, i) => (i === 4 ? { ...r, ethnicity: 'XYZ' } : r))), { row: 6, column: 'ethnicity', value: 'XYZ' }],
    ['an unknown column', (rows) => toCsv(rows.map((r) => ({ ...r, favourite_colour: 'blue' }))), { row: 1, column: 'favourite_colour' }],
    ['rows of one referral that disagree', (rows) => toCsv(rows.map((r, i) => (i === 1 ? { ...r, closure_date: '2024-01-06' } : r))), { row: 3, column: 'closure_date', value: '2024-01-06' }],
  ];
  for (const [name, make, where] of cases) {
    it(`reports ${name} with its row and column, and writes nothing`, async () => {
      const before = await caseCounts(db);
      const rows = fixtureRows().map((r) => ({ ...r, referral_ref: `X${r.referral_ref}`, family_ref: `X${r.family_ref}`, child_ref: `X${r.child_ref}` }));
      const r = await importInterchange(db, make(rows), { filename: 'bad.csv', userId: dataLead });
      expect(r.applied).toBe(false);
      expect(r.problems).toContainEqual(expect.objectContaining(where));
      expect(await caseCounts(db)).toEqual(before);
    });
  }

  it('refuses a child_ref already recorded in another family', async () => {
    const rows = fixtureRows().filter((r) => r.child_ref === 'C006').map((r) => ({ ...r, referral_ref: 'R900', family_ref: 'F900', child_ref: 'C001' }));
    const before = await caseCounts(db);
    const r = await importInterchange(db, toCsv(rows), { filename: 'moved.csv', userId: dataLead });
    expect(r.problems).toEqual([expect.objectContaining({ row: 2, column: 'family_ref', value: 'F900' })]);
    expect(await caseCounts(db)).toEqual(before);
  });
});

describe('updating from a file', () => {
  it('replaces children, plan content and review dates, auditing only what changed', async () => {
    const rows = fixtureRows()
      .filter((r) => r.child_ref !== 'C002') // C002 comes off R001
      .map((r) => (r.referral_ref === 'R001' ? { ...r, plan_content: 'KIN', review_fgc_dates: '2023-09-20;2023-11-01', attend_friends: '4' } : r))
      .map((r) => (r.child_ref === 'C006' ? { ...r, ethnicity: 'AOTH', outcome_6m_living: 'PARENTS' } : r));
    const auditBefore = (await caseCounts(db)).audit_log;
    const r = await importInterchange(db, toCsv(rows), { filename: 'update.csv', userId: dataLead });
    expect(r.problems).toEqual([]);
    expect(r.summary.referrals).toEqual({ create: 0, update: 2, unchanged: 2 });
    expect(r.summary.children).toEqual({ create: 0, update: 1, unchanged: 4 });
    const r1 = await db('referrals').where({ referral_ref: 'R001' }).first();
    expect(r1.attend_friends).toBe(4);
    expect((await db('referral_plan_content').where({ referral_id: r1.id })).map((x) => x.code)).toEqual(['KIN']);
    expect((await db('review_conferences').where({ referral_id: r1.id }).orderBy('review_date')).map((x) => x.review_date)).toEqual(['2023-09-20', '2023-11-01']);
    expect(await db('referral_children').where({ referral_id: r1.id })).toHaveLength(1);
    expect(await db('children').where({ child_ref: 'C002' }).first()).toBeTruthy(); // the child stays; only the link goes

    const added = await db('audit_log').where('id', '>', 0).orderBy('id').offset(auditBefore);
    const fields = added.filter((a) => a.entity !== 'interchange').map((a) => `${a.entity}:${a.action}:${a.field}`).sort();
    expect(fields).toEqual([
      'child:update:ethnicity',
      'referral:update:attend_friends',
      'referral:update:plan_content',
      'referral_child:delete:on_referral',
      'referral_child:update:outcome_6m_living',
      'review:create:review_date',
      'review:delete:review_date',
    ]);
    expect(r1.version).toBe(2);

    // and back to the fixture
    const back = await importInterchange(db, FIXTURE, { filename: 'small.csv', userId: dataLead });
    expect(back.summary.referrals).toEqual({ create: 0, update: 2, unchanged: 2 });
  });

  it('checks stage order against what the database holds beyond the file (the plan upload date): a finding, not a refusal', async () => {
    await db('referrals').where({ referral_ref: 'R001' }).update({ plan_uploaded_date: '2023-06-22' });
    try {
      const rows = fixtureRows().map((r) => (r.referral_ref === 'R001' ? { ...r, plan_date: '2023-06-23' } : r));
      const before = await caseCounts(db);
      const r = await importInterchange(db, toCsv(rows), { filename: 'late-plan.csv', userId: dataLead, dryRun: true });
      expect(r.problems).toEqual([]);
      expect(r.findings.filter((f) => f.rule === 'stage-order')).toEqual([expect.objectContaining({
        rule: 'stage-order', row: 2, column: 'plan_uploaded_date', message: expect.stringMatching(/^Referral R001: The plan cannot be uploaded before it was agreed/),
      })]);
      expect(await caseCounts(db)).toEqual(before);
    } finally {
      await db('referrals').where({ referral_ref: 'R001' }).update({ plan_uploaded_date: null });
    }
  });
});

describe('export', () => {
  const nasty = ['=HYPERLINK("http://example.org","click")', '+1', '@x', '-2'];
  let csv: string;

  beforeAll(async () => {
    const rows = nasty.map((name, i) => ({
      ...fixtureRows().find((r) => r.child_ref === 'C006')!, referral_ref: 'R005', family_ref: 'F005', child_ref: `C10${i}`, cms_id: '', first_name: name,
    }));
    const r = await importInterchange(db, toCsv(rows), { filename: 'nasty.csv', userId: dataLead });
    expect(r.problems).toEqual([]);
    csv = await exportCsv(db);
  });

  it('writes every referral × child in the spec’s column order, the same as was imported', () => {
    const out = records(csv);
    const spec = Object.keys(fixtureRows()[0]);
    expect(Object.keys(out[0])).toEqual([...COLUMN_NAMES]);
    expect(Object.keys(out[0]).filter((c) => spec.includes(c))).toEqual(spec);
    const specOnly = (r: Rec) => Object.fromEntries(spec.map((c) => [c, r[c]]));
    expect(out.filter((r) => r.referral_ref.startsWith('R00') && r.referral_ref !== 'R005').map(specOnly)).toEqual(fixtureRows());
  });

  it('neutralises formulas in CSV with a leading apostrophe', () => {
    const names = records(csv).filter((r) => r.referral_ref === 'R005').map((r) => r.first_name);
    expect(names).toEqual(nasty.map((n) => `'${n}`));
    expect(csv).not.toMatch(/(^|,)=HYPERLINK/m);
  });

  it('writes xlsx text as typed, in string cells (never a formula), with no apostrophe', async () => {
    const buffer = await exportXlsx(db);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(buffer as unknown as ExcelJS.Buffer);
    const ws = wb.worksheets[0];
    const header = (ws.getRow(1).values as string[]).slice(1);
    const col = header.indexOf('first_name') + 1;
    const names: unknown[] = [];
    ws.eachRow((row) => row.eachCell((cell) => expect(cell.type).not.toBe(ExcelJS.ValueType.Formula)));
    ws.eachRow((row, n) => {
      if (n > 1 && row.getCell(1).value === 'R005') {
        expect(row.getCell(col).type).toBe(ExcelJS.ValueType.String);
        names.push(row.getCell(col).value);
      }
    });
    expect(names).toEqual(nasty);
  });

  it('round trips: export → import into an empty database → identical export (CSV and xlsx) and the same return figures', async () => {
    const empty = await createTestDb();
    const emptyXlsx = await createTestDb();
    try {
      const r = await importInterchange(empty.db, csv, { filename: 'export.csv', userId: null });
      expect(r.problems).toEqual([]);
      expect(await exportCsv(empty.db)).toBe(csv);
      expect((await empty.db('children').where({ child_ref: 'C100' }).first()).first_name).toBe(nasty[0]);
      const years = [...new Set((await db('referrals').pluck('referral_date')).map((d: string) => currentFinancialYear(d)))];
      expect(years.length).toBeGreaterThan(0);
      for (const year of years) expect((await buildReturn(empty.db, year)).ret).toEqual((await buildReturn(db, year)).ret);

      const x = await importInterchange(emptyXlsx.db, await exportXlsx(db), { filename: 'export.xlsx', userId: null });
      expect(x.problems).toEqual([]);
      expect(x.summary.referrals.create).toBe(5);
      expect(await exportCsv(emptyXlsx.db)).toBe(csv);
      // the typed text comes back as it was, with nothing taken off
      const back = await emptyXlsx.db('children').whereIn('child_ref', nasty.map((_, i) => `C10${i}`)).orderBy('child_ref').pluck('first_name');
      expect(back).toEqual(nasty);
    } finally {
      await empty.destroy();
      await emptyXlsx.destroy();
    }
  });
});

describe('the web pages', () => {
  let lead: Agent;
  beforeAll(async () => {
    lead = await signIn(t.app, t.users.data_lead.email);
  });

  it('refuses coordinators and managers (403)', async () => {
    for (const role of ['coordinator', 'manager'] as const) {
      const agent = await signIn(t.app, t.users[role].email);
      expect((await agent.get('/imports/interchange')).status).toBe(403);
      expect((await agent.get('/exports/interchange.csv')).status).toBe(403);
      expect((await agent.get('/exports/interchange.xlsx')).status).toBe(403);
      const before = await caseCounts(db);
      const post = await agent.post(`/imports/interchange?_csrf=${encodeURIComponent(agent.csrf)}`).field('_csrf', agent.csrf).attach('file', FIXTURE, 'small.csv');
      expect(post.status).toBe(403);
      expect((await agent.post('/imports/interchange/1/apply').type('form').send({ _csrf: agent.csrf })).status).toBe(403);
      expect(await caseCounts(db)).toEqual(before);
    }
  });

  it('upload → preview (nothing written) → apply', async () => {
    const page = await lead.get('/imports/interchange');
    expect(page.status).toBe(200);
    expect(page.text).toContain('govuk-file-upload');
    expect(page.text).toContain('enctype="multipart/form-data"');

    const rows = [...fixtureRows(), { ...fixtureRows()[5], referral_ref: 'R006', referral_date: '2024-03-21', offer_date: '', child_ref: 'C200', first_name: 'New' }];
    const before = await caseCounts(db);
    const preview = await lead.post('/imports/interchange').field('_csrf', lead.csrf).attach('file', Buffer.from(toCsv(rows)), 'more.csv');
    expect(preview.status).toBe(200);
    expect(preview.text).toContain('Check the import');
    expect(preview.text).toMatch(/Referrals<\/th>\s*<td[^>]*>1<\/td>\s*<td[^>]*>0<\/td>\s*<td[^>]*>4<\/td>/);
    expect(await caseCounts(db)).toEqual(before);
    const action = /action="(\/imports\/interchange\/\d+\/apply)"/.exec(preview.text)![1];

    const done = await lead.post(action).type('form').send({ _csrf: lead.csrf });
    expect(done.status).toBe(200);
    expect(done.text).toContain('Import complete');
    expect(await db('referrals').where({ referral_ref: 'R006' }).first()).toBeTruthy();
    const audit = await db('audit_log').where({ entity: 'referral', action: 'create', field: 'referral_ref', new_value: 'R006' }).first();
    expect(audit.user_id).toBe(dataLead);
    // the upload is gone: applying twice is refused
    expect((await lead.post(action).type('form').send({ _csrf: lead.csrf })).status).toBe(404);
  });

  it('takes a messy history as it is: the check lists its warnings and data-quality problems by rule, the summary links to them on the quality report', async () => {
    const base = { ...fixtureRows()[0], family_ref: 'FMESS', cms_id: '', first_name: 'Messy' };
    const rows = [
      // no response and no reason: nothing to flag; a decline with no reason: a query
      { ...base, referral_ref: 'RM1', child_ref: 'CM1', referral_date: '2024-02-01', offer_date: '2024-02-03', consent_decision: 'NORESP', consent_date: '2024-02-20',
        decline_reason: '', initial_fgc_date: '', plan_agreed: '', plan_date: '', plan_sent_date: '', plan_content: '', review_fgc_dates: '', closure_date: '2024-03-01', sex: 'F' },
      { ...base, referral_ref: 'RM2', child_ref: 'CM1', referral_date: '2024-06-01', offer_date: '2024-05-20', consent_decision: 'DECLINED', consent_date: '2024-06-20',
        decline_reason: '', initial_fgc_date: '', plan_agreed: '', plan_date: '', plan_sent_date: '', plan_content: '', review_fgc_dates: '', closure_date: '2024-07-01', sex: 'M' },
    ];
    const before = await caseCounts(db);
    const preview = await lead.post('/imports/interchange').field('_csrf', lead.csrf).attach('file', Buffer.from(toCsv(rows)), 'messy.csv');
    expect(preview.status).toBe(200);
    expect(await caseCounts(db)).toEqual(before);
    expect(preview.text).toContain('Check the import');
    expect(preview.text).toContain('1 warning: children whose details differ between rows');
    expect(preview.text).toContain('Child CM1 has &#34;F&#34; in sex on row 2');
    expect(preview.text).toMatch(/Will be imported with \d+ data-quality problems? to review/);
    expect(preview.text).toMatch(/Stage dates out of order: 1/);
    expect(preview.text).toMatch(/Declined with no reason: 1/);
    expect(preview.text).toContain('Referral RM2: The offer date cannot be before the referral date');
    const action = /action="(\/imports\/interchange\/\d+\/apply)"/.exec(preview.text)![1];
    const done = await lead.post(action).type('form').send({ _csrf: lead.csrf });
    expect(done.status).toBe(200);
    expect(done.text).toMatch(/Imported with \d+ data-quality problems? to review/);
    expect(done.text).toContain('href="/quality/stage-order?period=all"');
    expect(done.text).toContain('href="/quality/declined-without-reason?period=all"');
    // stored as the file says, the latest referral's sex kept
    expect(await db('referrals').where({ referral_ref: 'RM2' }).first()).toMatchObject({ offer_date: '2024-05-20', consent_decision: 'DECLINED', decline_reason: null });
    expect((await db('children').where({ child_ref: 'CM1' }).first()).sex).toBe('M');
    const id = (await db('referrals').where({ referral_ref: 'RM2' }).first()).id;
    const manager = await signIn(t.app, t.users.manager.email);
    const report = await manager.get('/quality/stage-order?period=all');
    expect(report.text).toContain(`href="/referrals/${id}/stages/offer#offer_date"`);
    expect((await manager.get('/quality/declined-without-reason?period=all')).text).toContain(`href="/referrals/${id}/stages/consent#decline_reason"`);
  });

  it('accepts the CSRF token in the query string', async () => {
    const res = await lead.post(`/imports/interchange?_csrf=${encodeURIComponent(lead.csrf)}`).attach('file', FIXTURE, 'small.csv');
    expect(res.status).toBe(200);
    expect(res.text).toContain('There is nothing to import');
  });

  it('refuses an upload without a CSRF token', async () => {
    expect((await lead.post('/imports/interchange').attach('file', FIXTURE, 'small.csv')).status).toBe(403);
  });

  it('shows every problem in a table with an error summary, writing nothing', async () => {
    const rows = fixtureRows().map((r, i) => (i === 0 ? { ...r, referral_date: '2023-13-01' } : i === 3 ? { ...r, sex: 'Q' } : r));
    const before = await caseCounts(db);
    const res = await lead.post('/imports/interchange').field('_csrf', lead.csrf).attach('file', Buffer.from(toCsv(rows)), 'bad.csv');
    expect(res.status).toBe(400);
    expect(res.text).toContain('govuk-error-summary');
    expect(res.text).toContain('<title>Error:');
    expect(res.text).toMatch(/<td[^>]*>2<\/td>\s*<td[^>]*>referral_date<\/td>\s*<td[^>]*>2023-13-01<\/td>/);
    expect(res.text).toMatch(/<td[^>]*>5<\/td>\s*<td[^>]*>sex<\/td>\s*<td[^>]*>Q<\/td>/);
    expect(res.text).not.toContain('Import these changes');
    expect(await caseCounts(db)).toEqual(before);
  });

  it('asks for a file when none is chosen', async () => {
    const res = await lead.post('/imports/interchange').field('_csrf', lead.csrf);
    expect(res.status).toBe(400);
    expect(res.text).toContain('Select a CSV or Excel file');
  });

  it('imports an xlsx upload', async () => {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('Cases');
    ws.addRow(['referral_ref', 'family_ref', 'referral_date', 'child_ref', 'date_of_birth', 'sex']);
    ws.addRow(['R300', 'F300', new Date(Date.UTC(2024, 4, 1)), 'C300', new Date(Date.UTC(2016, 0, 31)), 'Female']);
    const preview = await lead.post('/imports/interchange').field('_csrf', lead.csrf).attach('file', Buffer.from(await wb.xlsx.writeBuffer()), 'cases.xlsx');
    expect(preview.status).toBe(200);
    const action = /action="(\/imports\/interchange\/\d+\/apply)"/.exec(preview.text)![1];
    expect((await lead.post(action).type('form').send({ _csrf: lead.csrf })).status).toBe(200);
    expect(await db('children').where({ child_ref: 'C300' }).first()).toMatchObject({ date_of_birth: '2016-01-31', sex: 'F' });
  });

  it('downloads the export as CSV and xlsx, audited', async () => {
    const csv = await lead.get('/exports/interchange.csv').buffer(true).parse((res, cb) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => cb(null, Buffer.concat(chunks)));
    });
    expect(csv.status).toBe(200);
    expect(csv.headers['content-type']).toMatch(/text\/csv/);
    expect(csv.headers['content-disposition']).toMatch(/attachment; filename="fgc-cases-\d{4}-\d{2}-\d{2}\.csv"/);
    expect(records(csv.body as Buffer).some((r) => r.referral_ref === 'R300')).toBe(true);
    const xlsx = await lead.get('/exports/interchange.xlsx').buffer(true).parse((res, cb) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => cb(null, Buffer.concat(chunks)));
    });
    expect(xlsx.status).toBe(200);
    expect((xlsx.body as Buffer).subarray(0, 2).toString()).toBe('PK');
    const events = await db('audit_log').where({ action: 'export', entity: 'interchange', user_id: dataLead });
    expect(events.map((e) => e.new_value)).toEqual(expect.arrayContaining([expect.stringContaining('csv'), expect.stringContaining('xlsx')]));
  });

  it('is not reachable signed out', async () => {
    expect((await request(t.app).get('/exports/interchange.csv')).status).toBe(302);
  });
});

describe('the command line', () => {
  let cliDb: TestDb;
  let dir: string;
  const CLI_TIMEOUT = 120_000; // each test starts tsx processes
  const cli = (script: string, args: string[]) => runScript(cliDb, script, args);

  beforeAll(async () => {
    cliDb = await createTestDb();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fgc-cli-'));
  });
  afterAll(async () => {
    await cliDb.destroy();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('--dry-run prints the summary and writes nothing', async () => {
    const file = path.join(dir, 'small.csv');
    fs.writeFileSync(file, FIXTURE);
    const before = await caseCounts(cliDb.db);
    const r = await cli('scripts/import.ts', [file, '--dry-run']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Referrals\s+4 would be created/);
    expect(r.stdout).toContain('Dry run');
    expect(await caseCounts(cliDb.db)).toEqual(before);
  }, CLI_TIMEOUT);

  it('a failing file: every problem printed, exit code 1, nothing written', async () => {
    const file = path.join(dir, 'bad.csv');
    fs.writeFileSync(file, toCsv(fixtureRows().map((r, i) => (i === 1 ? { ...r, referral_date: '2023-05-11', ethnicity: 'nope' } : r))));
    const before = await caseCounts(cliDb.db);
    const r = await cli('scripts/import.ts', [file]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/row 3\treferral_date\t"2023-05-11"\t/);
    expect(r.stderr).toMatch(/row 3\tethnicity\t"nope"\t/);
    expect(await caseCounts(cliDb.db)).toEqual(before);
  }, CLI_TIMEOUT);

  it('imports, then exports the same rows', async () => {
    const file = path.join(dir, 'small.csv');
    expect((await cli('scripts/import.ts', [file])).code).toBe(0);
    const out = path.join(dir, 'out.csv');
    const r = await cli('scripts/export-cases.ts', [out]);
    expect(r.code).toBe(0);
    const spec = Object.keys(fixtureRows()[0]);
    expect(records(fs.readFileSync(out)).map((r) => Object.fromEntries(spec.map((c) => [c, r[c]])))).toEqual(fixtureRows());
    const xlsx = path.join(dir, 'out.xlsx');
    expect((await cli('scripts/export-cases.ts', [xlsx])).code).toBe(0);
    expect(fs.readFileSync(xlsx).subarray(0, 2).toString()).toBe('PK');
  }, CLI_TIMEOUT);
});
