import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Knex } from 'knex';
import ExcelJS from 'exceljs';
import { createTestApp, dateFields, postForm, signIn, type Agent, type TestApp } from './support/app.js';
import { seedFamily, seedReferral } from './support/cases.js';
import { availableYears } from '../server/cases/years.js';
import { cmsIdPatternProblem, compileCmsIdPattern, repeatsARepeat } from '../server/common/cms-id.js';
import type { SeedReferralFields } from './support/cases.js';

// What administrators set cannot break the service: new codes never stop the annual return
// workbook, and the CMS ID format cannot freeze the server.

let t: TestApp;
let db: Knex;
let admin: Agent;
let lead: Agent;
let coordinator: Agent;
const NEW_STAGES = ['NEW1', 'NEW2', 'NEW3', 'NEW4', 'NEW5', 'NEW6', 'NEW7'];
const OLD_STAGES = ['EH', 'CIN', 'CP', 'PLO', 'PROC', 'LAC', 'OTH'];

async function workbook(year: number) {
  const res = await lead.get(`/returns/${year}/workbook.xlsx`).buffer(true).parse((r, cb) => {
    const chunks: Buffer[] = [];
    r.on('data', (c: Buffer) => chunks.push(c));
    r.on('end', () => cb(null, Buffer.concat(chunks)));
  });
  return res;
}

/** The stage-offered table on the Referrals sheet (B118 down): label -> count, up to the Total row. */
async function stageTable(buffer: Buffer): Promise<Map<string, number>> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(buffer as unknown as ExcelJS.Buffer);
  const ws = wb.getWorksheet('Referrals')!;
  const out = new Map<string, number>();
  for (let row = 118; ; row++) {
    const label = ws.getCell(`B${row}`).value;
    if (!label) break;
    out.set(String(label), Number(ws.getCell(`C${row}`).value));
    if (label === 'Total') break;
  }
  return out;
}

beforeAll(async () => {
  t = await createTestApp();
  db = t.testDb.db;
  admin = await signIn(t.app, t.users.admin.email);
  lead = await signIn(t.app, t.users.data_lead.email);
  coordinator = await signIn(t.app, t.users.coordinator.email);
  // Cases in two years, on the stages the service has always had.
  const f = await seedFamily(db, 'SET-1', [{ first_name: 'Ada', date_of_birth: '2015-01-01' }]);
  for (const [i, stage] of OLD_STAGES.entries()) {
    await seedReferral(db, f.familyId, [{ child_id: f.childIds[0], legal_status: 'CIN' }], { referral_date: `2023-0${1 + (i % 9)}-1${i}`, stage_offered: stage } as SeedReferralFields);
    await seedReferral(db, f.familyId, [{ child_id: f.childIds[0], legal_status: 'CIN' }], { referral_date: `2024-0${4 + (i % 5)}-1${i}`, stage_offered: stage } as SeedReferralFields);
  }
});
afterAll(() => t.close());

describe('new codes and the annual return workbook', () => {
  it('seven new, unused stage-offered codes added on the admin page leave the workbook downloading for every year', async () => {
    for (const code of NEW_STAGES) {
      const res = await postForm(admin, '/admin/code-lists/stage_offered', { code, label: `New stage ${code}` });
      expect(res.status).toBe(302);
    }
    const years = await availableYears(db);
    expect(years.length).toBeGreaterThan(2);
    for (const year of years) {
      const res = await workbook(year);
      expect(res.status, `${year}`).toBe(200);
      const table = await stageTable(res.body);
      // 7 + 7 codes and Not recorded where the template has room for 14: the newest, with nothing counted, is left out
      expect(table.size).toBe(14 + 1);
      expect(table.has('New stage NEW7')).toBe(false);
      expect(table.has('Not recorded')).toBe(true);
    }
    // the return page says what to change in the mapping, and still offers the download
    const page = await lead.get('/returns/2024');
    expect(page.text).toContain('The workbook template has no place for');
    expect(page.text).toContain('New stage NEW7');
    expect(page.text).toContain('make room for');
    expect(page.text).not.toContain('The workbook cannot be produced');
  });

  it('retiring them changes nothing, and a retired code needs no row', async () => {
    for (const code of NEW_STAGES) expect((await postForm(admin, `/admin/code-lists/stage_offered/${code}/retire`, { retired: 'yes' })).status).toBe(302);
    for (const year of await availableYears(db)) expect((await workbook(year)).status, `${year}`).toBe(200);
    expect((await lead.get('/returns/2024')).text).not.toContain('The workbook template has no place for');
  });

  it('new codes with counts the template has no room for are counted in "Other", with a warning, and the totals still match', async () => {
    for (const code of NEW_STAGES) await postForm(admin, `/admin/code-lists/stage_offered/${code}/retire`, { retired: 'no' });
    const f = await seedFamily(db, 'SET-2', [{ first_name: 'Ben', date_of_birth: '2016-01-01' }]);
    for (const [i, stage] of [...NEW_STAGES, null].entries()) {
      await seedReferral(db, f.familyId, [{ child_id: f.childIds[0], legal_status: 'CIN' }], { referral_date: `2024-10-1${i}`, stage_offered: stage } as SeedReferralFields);
    }
    // 7 old + 7 new + Not recorded, each counted: 15 rows where the template has room for 14
    const res = await workbook(2024);
    expect(res.status).toBe(200);
    const table = await stageTable(res.body);
    expect(table.get('Other')).toBe(2); // its own, and NEW7's
    expect(table.has('New stage NEW7')).toBe(false);
    expect(table.get('New stage NEW6')).toBe(1);
    expect(table.get('Total')).toBe(15);
    const page = await lead.get('/returns/2024');
    expect(page.text).toContain('&#34;New stage NEW7&#34; (NEW7), 1, is counted in &#34;Other&#34;');
  });
});

describe('the CMS ID format', () => {
  it('finds a repeat inside a repeat', () => {
    for (const p of ['^(\\d+)+$', '(\\w*)*', '^(a|b+)*$', '((\\d+)-)+', '(x?){2,}', '(?:\\d{2,3})+']) expect(repeatsARepeat(p), p).toBe(true);
    for (const p of ['^[0-9]{6,8}$', '^(AB|CD)\\d{6}$', '(\\d{3})+', '^\\d+(-\\d+)?$', '[(+]+', '\\(\\d+\\)+', '^(?:[A-Z]{2})?\\d+$']) expect(repeatsARepeat(p), p).toBe(false);
  });

  it('checks a 33-character id in well under a second, even against a pattern saved before the check', async () => {
    const id = `${'1'.repeat(32)}x`;
    const format = compileCmsIdPattern('^(\\d+)+$')!;
    const started = performance.now();
    expect(format.test(id)).toBe(false);
    expect(format.test('1'.repeat(33))).toBe(true);
    expect(performance.now() - started).toBeLessThan(200);

    await db('service_settings').insert({ key: 'cms_id_pattern', value: '^(\\d+)+$' }).onConflict('key').merge();
    const f = await seedFamily(db, 'SET-3', [{ first_name: 'Cy' }]);
    const before = performance.now();
    const res = await postForm(coordinator, `/families/${f.familyId}/children`, { first_name: 'New', last_name: 'Child', ...dateFields('date_of_birth', '2018-02-02'), ethnicity: 'WBRI', cms_id: id });
    expect(performance.now() - before).toBeLessThan(1000);
    expect(res.status).toBe(400);
    expect(res.text).toContain('not in your council&#39;s format');
  });

  it('refuses a pattern with a repeat inside a repeat, one it cannot check, or a long one, with a GOV.UK error', async () => {
    const settings = async (cms_id_pattern: string) => postForm(admin, '/admin/settings', { cms_id_pattern });
    const nested = await settings('^(\\d+)+$');
    expect(nested.status).toBe(400);
    expect(nested.text).toContain('govuk-error-summary');
    expect(nested.text).toContain('must not repeat a part that itself repeats, like (\\d+)+');
    const lookahead = await settings('^(?=\\d)\\d+$');
    expect(lookahead.status).toBe(400);
    expect(lookahead.text).toContain('Enter a regular expression this service can check');
    const long = await settings(`^(${'A|'.repeat(120)}B)$`);
    expect(long.status).toBe(400);
    expect(long.text).toContain('must be 200 characters or fewer');
    expect(cmsIdPatternProblem('(')).toMatch(/^Enter a regular expression this service can check/);
    const good = await settings('^[0-9]{6,8}$');
    expect(good.status).toBe(302);
    expect((await db('service_settings').where({ key: 'cms_id_pattern' }).first()).value).toBe('^[0-9]{6,8}$');
  });
});
