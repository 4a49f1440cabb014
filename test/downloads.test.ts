import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Knex } from 'knex';
import ExcelJS from 'exceljs';
import { parse } from 'csv-parse/sync';
import { createTestApp, postForm, signIn, type Agent, type TestApp } from './support/app.js';
import { ROUTES } from './support/route-table.js';
import { loadDemoData } from '../server/demo/load.js';
import { availableYears, currentFinancialYear } from '../server/cases/years.js';
import { INSIGHT_PAGES } from '../server/insight/routes.js';
import { REFUSAL_DIMENSIONS } from '../server/insight/refusals.js';
import { csvText, unescapeCell, xlsxText } from '../server/common/spreadsheet.js';

// Every download the app offers, with hostile code labels and hostile case text in the data:
// no CSV cell or heading may start with a formula character, and no xlsx cell may be a formula
// or carry the CSV apostrophe (text starting with = in a string cell is typed text: expected).

const HOSTILE = [`=cmd|' /C calc'!A0`, '@SUM(1+1)', '+1', '-2', '\tTAB', '=HYPERLINK("http://example.org","x")'];
const FORMULA_START = /^[=+\-@\t\r]/;
const NUMBER = /^-?\d+(\.\d+)?$/;

let t: TestApp;
let db: Knex;
let admin: Agent;
let lead: Agent;
let manager: Agent;
const checked = new Map<string, number>();

async function fetchBuffer(agent: Agent, url: string) {
  const res = await agent.get(url).buffer(true).parse((r, cb) => {
    const chunks: Buffer[] = [];
    r.on('data', (c: Buffer) => chunks.push(c));
    r.on('end', () => cb(null, Buffer.concat(chunks)));
  });
  return res;
}

/** Problems in one CSV: cells and headings that start with a formula character. */
function csvProblems(text: string): string[] {
  const rows: string[][] = parse(text.replace(/^\uFEFF/, ''), { relax_column_count: true });
  const out: string[] = [];
  rows.forEach((row, r) => row.forEach((cell, c) => {
    if (FORMULA_START.test(cell) && !NUMBER.test(cell)) out.push(`row ${r + 1} column ${c + 1}: ${JSON.stringify(cell)}`);
  }));
  return out;
}

/** Problems in one workbook: formula cells, and strings carrying the CSV apostrophe. */
async function xlsxProblems(buffer: Buffer): Promise<{ problems: string[]; strings: string[] }> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(buffer as unknown as ExcelJS.Buffer);
  const problems: string[] = [];
  const strings: string[] = [];
  wb.eachSheet((ws) => ws.eachRow({ includeEmpty: false }, (row) => row.eachCell((cell) => {
    const where = `${ws.name}!${cell.address}`;
    if (cell.type === ExcelJS.ValueType.Formula) problems.push(`${where} is a formula`);
    const v = cell.value as unknown;
    if (v && typeof v === 'object' && ('formula' in v || 'sharedFormula' in v)) problems.push(`${where} is a formula`);
    if (typeof v === 'string') {
      strings.push(v);
      if (/^'[=+\-@\t\r]/.test(v)) problems.push(`${where} carries an apostrophe: ${JSON.stringify(v)}`);
    }
  })));
  return { problems, strings };
}

async function check(agent: Agent, url: string): Promise<string[]> {
  const res = await fetchBuffer(agent, url);
  expect(res.status, url).toBe(200);
  const body = res.body as Buffer;
  const route = url.split('?')[0].replace(/\/\d{4}\//, '/:year/');
  checked.set(route, (checked.get(route) ?? 0) + 1);
  if (body.subarray(0, 2).toString() === 'PK') {
    const { problems, strings } = await xlsxProblems(body);
    expect(problems, url).toEqual([]);
    return strings;
  }
  const text = body.toString('utf8');
  expect(csvProblems(text), url).toEqual([]);
  return parse(text.replace(/^\uFEFF/, ''), { relax_column_count: true }).flat();
}

const hrefs = (html: string, prefix: string) =>
  [...new Set([...html.matchAll(/href="([^"]+)"/g)].map((m) => m[1].replace(/&amp;/g, '&')).filter((h) => h.startsWith(prefix)))];

beforeAll(async () => {
  t = await createTestApp();
  db = t.testDb.db;
  await loadDemoData(db, { referrals: 120, seed: 'downloads' });
  admin = await signIn(t.app, t.users.admin.email);
  lead = await signIn(t.app, t.users.data_lead.email);
  manager = await signIn(t.app, t.users.manager.email);

  // Hostile labels on new codes in every list the downloads label, through the admin page.
  const lists = ['sex', 'ethnicity', 'disability', 'legal_status', 'stage_offered', 'referral_source', 'decline_reason', 'not_held_reason', 'plan_content', 'outcome_legal_status', 'living_arrangement'];
  for (const list of lists) {
    for (const [i, label] of HOSTILE.slice(0, 4).entries()) {
      const res = await postForm(admin, `/admin/code-lists/${list}`, { code: `HOST${i}`, label, group: list === 'ethnicity' ? HOSTILE[(i + 1) % 4] : '' });
      expect(res.status, `${list} ${label}`).toBe(302);
    }
  }
  // Case data that uses them, and hostile text wherever people type.
  const referrals = await db('referrals').orderBy('referral_ref').select('id', 'consent_decision', 'fgc_not_held_reason');
  let n = 0;
  for (const r of referrals) {
    const code = `HOST${n++ % 4}`;
    const patch: Record<string, unknown> = { stage_offered: code, referral_source: code, family_feedback: HOSTILE[n % HOSTILE.length], professional_feedback: HOSTILE[(n + 1) % HOSTILE.length] };
    if (r.consent_decision && r.consent_decision !== 'GIVEN') patch.decline_reason = code;
    if (r.fgc_not_held_reason) patch.fgc_not_held_reason = code;
    if (n % 3) await db('referrals').where({ id: r.id }).update(patch);
  }
  const links = await db('referral_children').select('referral_id', 'child_id');
  for (const [i, l] of links.entries()) {
    if (i % 3) continue;
    await db('referral_children').where(l).update({ legal_status: `HOST${i % 4}`, outcome_6m_legal_status: `HOST${(i + 1) % 4}`, outcome_6m_living: `HOST${(i + 2) % 4}` });
  }
  const children = await db('children').orderBy('id').select('id');
  for (const [i, c] of children.entries()) {
    if (i % 2) continue;
    await db('children').where({ id: c.id }).update({
      first_name: HOSTILE[i % HOSTILE.length], last_name: HOSTILE[(i + 1) % HOSTILE.length], sex: `HOST${i % 4}`, ethnicity: `HOST${(i + 1) % 4}`,
      cms_id: i % 4 ? HOSTILE[(i + 2) % HOSTILE.length] : null,
    });
  }
  const withPlans = await db('referral_plan_content').distinct('referral_id').limit(10);
  for (const [i, p] of withPlans.entries()) await db('referral_plan_content').insert({ referral_id: p.referral_id, code: `HOST${i % 4}` });
  const someChildren = children.slice(0, 10);
  for (const [i, c] of someChildren.entries()) await db('child_disabilities').insert({ child_id: c.id, code: `HOST${i % 4}` }).onConflict(['child_id', 'code']).ignore();
  await db('users').whereNot({ id: t.users.admin.id }).update({ name: HOSTILE[0], team: HOSTILE[1] });
  await db('referrals').whereNull('coordinator_id').update({ coordinator_name: HOSTILE[2] });
  await db('families').where('id', (await db('families').min({ id: 'id' }).first())!.id).update({ family_ref: '-FAMILY' });
  await db('children').where('id', children[1].id).update({ child_ref: '+CHILD' });
  for (const key of ['council_name', 'delivery_model', 'stages_offered', 'referral_process', 'how_offered', 'contact_name']) {
    await db('service_settings').insert({ key, value: HOSTILE[key.length % HOSTILE.length] }).onConflict('key').merge();
  }
}, 120_000);

afterAll(() => t.close());

describe('the neutraliser (server/common/spreadsheet.ts)', () => {
  it('puts an apostrophe before CSV text a spreadsheet would run, and the import takes it off again', () => {
    for (const s of HOSTILE) {
      expect(csvText(s)).toBe(`'${s}`);
      expect(unescapeCell(csvText(s))).toBe(s);
    }
    for (const s of ['Alex', "O'Neill", "'quoted", '2024-01-01', '']) expect(csvText(s)).toBe(s);
  });

  it('writes xlsx text as typed, and text that already starts with an apostrophe comes back whole from both', () => {
    for (const s of HOSTILE) expect(xlsxText(s)).toBe(s);
    for (const s of ["'=x", "''+1", "'@"]) {
      expect(unescapeCell(csvText(s))).toBe(s);
      expect(unescapeCell(xlsxText(s))).toBe(s);
      expect(csvText(s)).toBe(`'${s}`);
    }
  });
});

describe('every download', () => {
  it('is covered here', () => {
    const downloads = ROUTES.filter(([m, p]) => m === 'GET' && /\.(csv|xlsx)$|download/.test(p)).map(([, p]) => p).sort();
    expect(downloads).toEqual([
      '/exports/interchange.csv', '/exports/interchange.xlsx', '/insight/comparison/sample.csv', '/insight/download', '/quality/report.xlsx',
      '/returns/:year/child-extract.csv', '/returns/:year/child-extract.xlsx', '/returns/:year/workbook.xlsx',
    ].sort());
  });

  it('the interchange export: names, feedback and references as typed, never a formula', async () => {
    const csv = await check(lead, '/exports/interchange.csv');
    expect(csv).toContain(`'${HOSTILE[0]}`);
    const xlsx = await check(lead, '/exports/interchange.xlsx');
    expect(xlsx).toContain(HOSTILE[0]);
    expect(xlsx).toContain('-FAMILY');
  });

  it('the annual return workbook and the child extract, for every year', async () => {
    const years = await availableYears(db);
    expect(years.length).toBeGreaterThan(2);
    for (const year of years) {
      const strings = await check(lead, `/returns/${year}/workbook.xlsx`);
      expect(strings).toContain(HOSTILE[0]); // a code label and a written answer, as typed
      await check(lead, `/returns/${year}/child-extract.csv`);
      await check(lead, `/returns/${year}/child-extract.xlsx`);
    }
  }, 120_000);

  it('the quality report, for the whole database and a year', async () => {
    await check(manager, '/quality/report.xlsx');
    await check(manager, `/quality/report.xlsx?period=${currentFinancialYear() - 1}`);
  });

  it('the comparison population sample', async () => {
    await check(lead, '/insight/comparison/sample.csv');
  });

  it('every insight table, CSV and xlsx, with and without "for publication"', async () => {
    const year = currentFinancialYear() - 1;
    const pages = INSIGHT_PAGES.flatMap((p) => (p.key === 'refusals' ? REFUSAL_DIMENSIONS.map((d) => `${p.path}?year=${year}&by=${d.key}`) : [`${p.path}?year=${year}`]));
    let headings = 0;
    let labels = 0;
    for (const page of pages) {
      const res = await manager.get(page);
      expect(res.status, page).toBe(200);
      const links = hrefs(res.text, '/insight/download?');
      expect(links.length, page).toBeGreaterThan(0);
      for (const link of links) {
        await check(manager, link);
        if (!link.includes('format=csv')) continue;
        const [heading, ...rows]: string[][] = parse((await manager.get(link)).text.replace(/^\uFEFF/, ''), { relax_column_count: true });
        const hostile = (c: string) => HOSTILE.slice(0, 4).some((h) => c === `'${h}`);
        if (heading.some(hostile)) headings++;
        if (rows.some((r) => hostile(r[0]))) labels++;
      }
    }
    // the code labels did reach the downloads, as row labels and as the cross-tabs' headings
    expect(labels).toBeGreaterThan(0);
    expect(headings).toBeGreaterThan(0);
  }, 240_000);

  it('walked every download route', () => {
    for (const route of ['/exports/interchange.csv', '/exports/interchange.xlsx', '/insight/comparison/sample.csv', '/insight/download', '/quality/report.xlsx',
      '/returns/:year/child-extract.csv', '/returns/:year/child-extract.xlsx', '/returns/:year/workbook.xlsx']) {
      expect(checked.get(route), route).toBeGreaterThan(0);
    }
  });
});
