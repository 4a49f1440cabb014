import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import ExcelJS from 'exceljs';
import { parse } from 'csv-parse/sync';
import type { Knex } from 'knex';
import { createTestApp, signIn, type Agent, type TestApp } from './support/app.js';
import { createUser } from '../server/auth/users.js';
import { loadReferral, updateReferral } from '../server/cases/referrals-repository.js';
import { computeReturn } from '../server/annual-return/counting.js';
import { loadCaseData } from '../server/annual-return/return-data.js';
import { loadCodeLists } from '../server/codes/code-lists.js';
import { insightService } from '../server/insight/service.js';
import { loadCaseSet } from '../server/cases/case-set.js';
import { applyFilters } from '../server/insight/data.js';
import { dueOutcomes, lastDueConference } from '../server/insight/outcomes.js';
import { cohortFunnel } from '../server/insight/funnel.js';
import { yearPeriod } from '../server/insight/period.js';
import { addMonths } from '../server/common/dates.js';
import { TODAY, YEAR, pureWorld, seedWorld } from '../server/insight/test-world.js';

// The insight pages against the real app and database (SQLite, or PostgreSQL with DATABASE_URL),
// on the hand-made world of server/insight/test-world.ts.

const SAMPLE = fs.readFileSync(new URL('./fixtures/comparison-population-sample.csv', import.meta.url), 'utf8');
const NO_FILTERS = { stage: '', source: '', team: '' };

let t: TestApp;
let db: Knex;
let manager: Agent;
let dataLead: Agent;
let ids: Awaited<ReturnType<typeof seedWorld>>;

beforeAll(async () => {
  t = await createTestApp();
  db = t.testDb.db;
  const south = await createUser(db, { email: 'south@council.example', name: 'South coordinator', role: 'coordinator', team: 'South team', password: null });
  ids = await seedWorld(db, { R6: south, R1: t.users.coordinator.id });
  manager = await signIn(t.app, t.users.manager.email);
  dataLead = await signIn(t.app, t.users.data_lead.email);
});
afterAll(() => t?.close());

const text = (html: string) => html.replace(/<script[\s\S]*?<\/script>/g, '').replace(/<[^>]+>/g, ' ').replace(/&#39;/g, "'").replace(/&#34;|&quot;/g, '"').replace(/&amp;/g, '&').replace(/\s+/g, ' ');
/** The cells of a table's row whose header starts with `label`, as text. */
function rowOf(html: string, tableId: string, label: string): string[] {
  const table = new RegExp(`<table[^>]*id="table-${tableId}"[\\s\\S]*?</table>`).exec(html)?.[0];
  if (!table) throw new Error(`no table ${tableId}`);
  for (const tr of table.match(/<tr[\s\S]*?<\/tr>/g) ?? []) {
    const cells = [...tr.matchAll(/<t[hd][^>]*>([\s\S]*?)<\/t[hd]>/g)].map((m) => text(m[1]).trim());
    if (cells[0]?.startsWith(label)) return cells;
  }
  throw new Error(`no row ${label} in ${tableId}`);
}

describe('the insight pages\' case data', () => {
  it('is what the annual return loads, so the figures are the same as counting the hand-made world', async () => {
    const codes = await loadCodeLists(db);
    const period = yearPeriod(YEAR);
    const mine = await loadCaseSet(db, { active: period, narrow: (q) => applyFilters(db, q, NO_FILTERS, 'r') });
    const theirs = await loadCaseData(db, period);
    const a = computeReturn({ year: YEAR, ...mine, codes });
    const b = computeReturn({ year: YEAR, ...theirs, codes });
    for (const key of Object.keys(b.populations) as (keyof typeof b.populations)[]) {
      expect([a.populations[key].fgcs, a.populations[key].children], key).toEqual([b.populations[key].fgcs, b.populations[key].children]);
    }
    for (const key of Object.keys(b.breakdowns)) expect(a.breakdowns[key].rows.map((r) => r.count), key).toEqual(b.breakdowns[key].rows.map((r) => r.count));
    const world = pureWorld();
    expect(cohortFunnel({ ...mine, codes }, period).steps).toEqual(cohortFunnel(world, period).steps);
    // never a name
    expect(mine.children.every((c) => c.first_name === null && c.last_name === null)).toBe(true);
  });

  it('applies the filters', async () => {
    const period = yearPeriod(YEAR);
    const refs = async (filters: typeof NO_FILTERS) =>
      (await loadCaseSet(db, { active: period, narrow: (q) => applyFilters(db, q, filters, 'r') })).referrals.map((r) => r.referral_ref).sort();
    expect(await refs({ ...NO_FILTERS, stage: 'EH' })).toEqual(['R3', 'R4']);
    expect(await refs({ ...NO_FILTERS, source: 'NR' })).toEqual(['R6']);
    expect(await refs({ ...NO_FILTERS, team: 'South team' })).toEqual(['R6']);
    expect(await refs({ ...NO_FILTERS, team: 'North team' })).toEqual(['R1']);
    expect(await refs({ ...NO_FILTERS, team: 'NONE' })).toEqual(['R2', 'R3', 'R4', 'R5']);
  });

  it('finds outcomes due as the pure rule does', async () => {
    const s = insightService(db);
    const b = await s.basicsNow();
    const sel = (filters: typeof NO_FILTERS) => ({ period: yearPeriod(YEAR), filters });
    const { due } = await s.outcomes(b, sel(NO_FILTERS), TODAY);
    expect(due.count).toBe(4);
    expect(due.shown.map((d) => [d.referralRef, d.months, d.due, d.children])).toEqual(dueOutcomes(pureWorld().referrals, TODAY).map((d) => [d.referralRef, d.months, d.due, d.children]));
    expect((await s.outcomes(b, sel({ ...NO_FILTERS, stage: 'EH' }), TODAY)).due.count).toBe(1);
    expect((await s.allDue(NO_FILTERS, TODAY)).rows).toHaveLength(4);
  });

  it('knows the last conference date with an outcome due, month ends included', () => {
    for (const today of ['2025-02-28', '2025-03-31', '2024-02-29', '2025-06-01', '2025-08-30']) {
      for (const months of [6, 12]) {
        const last = lastDueConference(today, months);
        expect(addMonths(last, months) <= today, `${today} ${months}`).toBe(true);
        const next = new Date(Date.parse(`${last}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
        expect(addMonths(next, months) > today, `${today} ${months}`).toBe(true);
      }
    }
  });
});

describe('the insight pages', () => {
  const pages = ['/insight', '/insight/refusals', '/insight/equity', '/insight/timeliness', '/insight/outcomes', '/insight/plans', '/insight/trends'];

  it.each(pages)('%s opens for a manager and shows no names or dates of birth', async (path) => {
    const res = await manager.get(`${path}?year=${YEAR}`);
    expect(res.status).toBe(200);
    expect(res.text).toContain('<svg');
    expect(res.text).toContain('role="img"');
    for (const secret of ['Family A', 'Family B', '2012-05-01', '1 May 2012', '10 January 2019', '2008-02-01']) expect(res.text).not.toContain(secret);
    expect(res.text).not.toMatch(/ style="/);
  });

  it('are for managers and data leads only', async () => {
    const coordinator = await signIn(t.app, t.users.coordinator.email);
    expect((await coordinator.get('/insight')).status).toBe(403);
    expect((await dataLead.get('/insight/equity')).status).toBe(200);
    expect((await manager.get('/insight/comparison')).status).toBe(403);
  });

  it('shows the take-up funnel and the period\'s figures', async () => {
    const res = await manager.get(`/insight?year=${YEAR}`);
    expect(res.text).toContain('2024-25');
    expect(rowOf(res.text, 'funnel', 'Referred')).toEqual(['Referred', '5', '– no figure', '100%', '5', '– no figure', '100%']);
    expect(rowOf(res.text, 'funnel', 'Consented')).toEqual(['Consented', '2', '50%', '40%', '3', '75%', '60%']);
    expect(rowOf(res.text, 'activity', 'Initial FGCs held')).toEqual(['Initial FGCs held', '3', '4']);
  });

  it('filters by stage offered, referral source and coordinator team', async () => {
    expect(rowOf((await manager.get(`/insight?year=${YEAR}&stage=EH`)).text, 'funnel', 'Referred').slice(0, 2)).toEqual(['Referred', '2']);
    const south = await manager.get(`/insight?year=${YEAR}&team=South+team`);
    expect(south.text).toContain('coordinator team: South team');
    expect(rowOf(south.text, 'funnel', 'Referred').slice(0, 2)).toEqual(['Referred', '1']);
    // a value not offered is ignored
    expect(rowOf((await manager.get(`/insight?year=${YEAR}&stage=NOPE`)).text, 'funnel', 'Referred')[1]).toBe('5');
  });

  it('takes a quarter or any dates, and explains a wrong date the GOV.UK way', async () => {
    const q = await manager.get(`/insight?year=${YEAR}&quarter=1`);
    expect(q.text).toContain('2024-25 quarter 1 (April to June 2024)');
    expect(rowOf(q.text, 'funnel', 'Referred')[1]).toBe('2'); // R1, R2
    const range = await manager.get('/insight?from-day=1&from-month=6&from-year=2024&to-day=31&to-month=7&to-year=2024');
    expect(range.text).toContain('1 June 2024 to 31 July 2024');
    expect(rowOf(range.text, 'funnel', 'Referred')[1]).toBe('2'); // R2, R3
    const bad = await manager.get('/insight?from-day=31&from-month=2&from-year=2024&to-day=&to-month=&to-year=');
    expect(bad.status).toBe(400);
    expect(bad.text).toContain('There is a problem');
    expect(bad.text).toContain('Start date must be a real date');
    expect(bad.text).toContain('Enter the end date');
    expect(bad.text).toContain('<title>Error:');
    expect(bad.text).not.toContain('table-funnel');
  });

  it('shows refusal reasons by a chosen characteristic', async () => {
    const res = await manager.get(`/insight/refusals?year=${YEAR}&by=ethnicityGroup`);
    expect(rowOf(res.text, 'decline-reasons', 'Did not believe it would help')).toEqual(['Did not believe it would help', '1', '50%', '1']);
    expect(rowOf(res.text, 'by-decisions', 'Black')).toEqual(['Black', '1', '1', '2', '50%']);
  });

  it('shows timeliness, plans, outcomes and trends', async () => {
    expect(rowOf((await manager.get(`/insight/timeliness?year=${YEAR}`)).text, 'timeliness', 'Referral to consent')).toEqual(['Referral to consent', '3', '10', '13', '0']);
    expect(rowOf((await manager.get(`/insight/plans?year=${YEAR}`)).text, 'plans-sent', 'Within 10 working days')).toEqual(['Within 10 working days of being agreed', '1', '50%']);
    const outcomes = await manager.get(`/insight/outcomes?year=${YEAR}`);
    expect(rowOf(outcomes.text, 'outcome-6m_legal_status', 'Child in need plan')).toEqual(['Child in need plan', '1', '50%', '0', '0%']);
    expect(outcomes.text).toContain(`href="/referrals/${ids.referralIds.R1}/outcomes"`);
    const trends = await manager.get('/insight/trends');
    expect(trends.status).toBe(200);
    expect(trends.text).toContain('table-trends');
  });
});

describe('downloads', () => {
  it('give every table as CSV and as an Excel workbook, audited', async () => {
    const csv = await manager.get(`/insight/download?year=${YEAR}&page=funnel&table=funnel&format=csv`);
    expect(csv.status).toBe(200);
    expect(csv.headers['content-disposition']).toContain('fgc-insight-funnel-2024-25.csv');
    const rows = parse(csv.text, { bom: true }) as string[][];
    expect(rows[0]).toEqual(['Step', 'FGCs', 'FGCs, of the step before (%)', 'FGCs, of those referred (%)', 'Children', 'Children, of the step before (%)', 'Children, of those referred (%)']);
    expect(rows[3]).toEqual(['Consented', '2', '50', '40', '3', '75', '60']);

    const xlsx = await manager.get(`/insight/download?year=${YEAR}&page=refusals&by=sex&table=by-decisions&format=xlsx`).buffer(true).parse((res, cb) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => cb(null, Buffer.concat(chunks)));
    });
    expect(xlsx.status).toBe(200);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(xlsx.body);
    const sheet = wb.worksheets[0];
    expect(sheet.getRow(1).values).toContain('Share not consented (%)');
    const audit = await db('audit_log').where({ entity: 'insight', action: 'export' });
    expect(audit.length).toBeGreaterThanOrEqual(2);
  });

  it('for publication hide counts of 1 to 4 (and what would give them away); on screen nothing is hidden', async () => {
    const screen = await manager.get(`/insight/plans?year=${YEAR}`);
    expect(rowOf(screen.text, 'plans-agreed', 'Plan agreed')).toEqual(['Plan agreed', '2', '66.7%']);
    const res = await manager.get(`/insight/download?year=${YEAR}&page=plans&table=plans-agreed&format=csv&publication=1`);
    expect(res.headers['content-disposition']).toContain('for-publication');
    const rows = parse(res.text, { bom: true }) as string[][];
    expect(rows.slice(1)).toEqual([
      ['Plan agreed', '[c]', '[c]'],
      ['No plan agreed', '[c]', '[c]'],
      ['Not recorded', '0', '0'],
      ['Initial conferences held', '[c]', '[c]'],
    ]);
    const normal = parse((await manager.get(`/insight/download?year=${YEAR}&page=plans&table=plans-agreed&format=csv`)).text, { bom: true }) as string[][];
    expect(normal[1]).toEqual(['Plan agreed', '2', '66.7']);
  });

  it('refuses an incomplete link, and the due list for publication', async () => {
    expect((await manager.get('/insight/download')).status).toBe(400);
    expect((await manager.get(`/insight/download?year=${YEAR}&page=funnel&table=nope&format=csv`)).status).toBe(404);
    expect((await manager.get(`/insight/download?year=${YEAR}&page=outcomes&table=outcomes-due&format=csv&publication=1`)).status).toBe(404);
    const due = parse((await manager.get(`/insight/download?year=${YEAR}&page=outcomes&table=outcomes-due&format=csv`)).text, { bom: true }) as string[][];
    expect(due[0]).toEqual(['Referral', 'Initial conference', 'Outcome', 'Due', 'Children without it']);
    expect(due[1]).toEqual(['R1', '2024-05-15', '6 months', '2024-11-15', '1']);
  });
});

describe('comparison populations', () => {
  const count = async () => Number((await db('comparison_populations').count({ n: '*' }).first())!.n);

  it('refuses a bad file with every problem and its row number, storing nothing', async () => {
    const before = await count();
    const bad = 'characteristic,category_code,count\nethnicity_group,White,12000\nethnic,White,5\nsex,Q,10\nsex,F,ten\n\nethnicity_group,white,3\nage_band,1-4,1,2\n';
    const res = await dataLead.post('/insight/comparison').type('form').send({ _csrf: dataLead.csrf, name: 'Census 2021', csv: bad });
    expect(res.status).toBe(400);
    const page = text(res.text);
    expect(page).toContain('There is a problem');
    expect(page).toContain('The figures have 5 problems, listed below. Nothing has been saved');
    expect(page).toContain('Row 3: characteristic "ethnic" must be one of ethnicity_group, ethnicity, sex, age_band, disability, legal_status');
    expect(page).toContain('Row 4: category_code "Q" is not a sex category. Use one of: M, F, U');
    expect(page).toContain('Row 5: count "ten" must be a whole number, 0 or more, like 12000');
    expect(page).toContain('Row 7: ethnicity_group White is already on row 2: give each category once');
    expect(page).toContain('Row 8: expected 3 values (characteristic, category_code, count), found 4');
    expect(await count()).toBe(before);

    const noName = await dataLead.post('/insight/comparison').type('form').send({ _csrf: dataLead.csrf, name: '', csv: SAMPLE });
    expect(noName.status).toBe(400);
    expect(noName.text).toContain('Enter a name for the comparison population');
    const nothing = await dataLead.post('/insight/comparison').type('form').send({ _csrf: dataLead.csrf, name: 'x', csv: '' });
    expect(nothing.text).toContain('Choose a CSV file or paste the figures');
    const header = await dataLead.post('/insight/comparison').type('form').send({ _csrf: dataLead.csrf, name: 'x', csv: 'a,b,c\n' });
    expect(text(header.text)).toContain('Row 1: the first row must be the column names characteristic,category_code,count');
    expect(await count()).toBe(before);
  });

  it('takes a pasted file, and the equity page then compares with it', async () => {
    const res = await dataLead.post('/insight/comparison').type('form').send({ _csrf: dataLead.csrf, name: 'Population 0-17, mid-2023', csv: SAMPLE });
    expect(res.status).toBe(302);
    const id = Number(/saved=(\d+)/.exec(res.headers.location)![1]);
    const stored = await db('comparison_populations').where({ id }).first();
    expect(stored).toMatchObject({ name: 'Population 0-17, mid-2023', uploaded_by: t.users.data_lead.id });
    expect(JSON.parse(stored.rows)).toContainEqual({ characteristic: 'ethnicity_group', category_code: 'White', count: 41200 });

    const equity = await manager.get(`/insight/equity?year=${YEAR}&comparison=${id}`);
    expect(equity.text).toContain('Compared with <strong>Population 0-17, mid-2023</strong>');
    // White: 1 of 3 referred children with a comparable group; 41200 of 56000 in the comparison
    const white = rowOf(equity.text, 'equity-ethnicityGroup', 'White');
    expect(white.slice(0, 2)).toEqual(['White Fewer than 10 referred, consented, conferenced', '41,200']);
    expect(white[4]).toBe('33.3%');
    expect(white[5]).toBe((((1 / 3) / (41200 / 56000)) ).toFixed(2));
    expect(equity.text).toContain('Some figures rest on fewer than 10 children');
    // newest upload by default
    expect((await manager.get(`/insight/equity?year=${YEAR}`)).text).toContain('Compared with <strong>Population 0-17, mid-2023</strong>');
    expect((await manager.get(`/insight/equity?year=${YEAR}&comparison=none`)).text).toContain('No comparison population chosen');
  });

  it('takes an uploaded file (multipart, CSRF token in the query string) and refuses a bad or large one', async () => {
    const page = await dataLead.get('/insight/comparison');
    expect(page.text).toContain('enctype="multipart/form-data"');
    const action = /action="(\/insight\/comparison\?_csrf=[^"]+)"/.exec(page.text)![1].replace(/&amp;/g, '&');
    const good = await dataLead.post(action).field('name', 'Uploaded sample').attach('file', Buffer.from(SAMPLE), 'sample.csv');
    expect(good.status).toBe(302);
    const before = await count();
    const bad = await dataLead.post(action).field('name', 'Bad').attach('file', Buffer.from('characteristic,category_code,count\nsex,F,-3\n'), 'bad.csv');
    expect(bad.status).toBe(400);
    expect(text(bad.text)).toContain('Row 2: count "-3" must be a whole number');
    const big = await dataLead.post(action).field('name', 'Big').attach('file', Buffer.alloc(1024 * 1024 + 10, 'a'), 'big.csv');
    expect(big.status).toBe(400);
    expect(big.text).toContain('The selected file must be smaller than 1MB');
    const notCsv = await dataLead.post(action).field('name', 'Sheet').attach('file', Buffer.from('PK\u0003\u0004'), 'sheet.xlsx');
    expect(notCsv.text).toContain('The selected file must be a CSV file');
    expect(await count()).toBe(before);
  });

  it('offers the sample file, and lets the data lead delete an upload', async () => {
    const sample = await dataLead.get('/insight/comparison/sample.csv');
    expect(sample.text).toBe(SAMPLE);
    const [row] = await db('comparison_populations').select('id').orderBy('id', 'desc').limit(1);
    const res = await dataLead.post('/insight/comparison/delete').type('form').send({ _csrf: dataLead.csrf, id: row.id });
    expect(res.status).toBe(302);
    expect(await db('comparison_populations').where({ id: row.id }).first()).toBeUndefined();
    expect((await dataLead.post('/insight/comparison/delete').type('form').send({ _csrf: dataLead.csrf })).status).toBe(400);
    expect(await db('audit_log').where({ entity: 'comparison-population', action: 'delete' }).first()).toBeDefined();
  });
});

describe('after a save', () => {
  it('every page shows the change at once (nothing is cached)', async () => {
    const before = rowOf((await manager.get(`/insight/plans?year=${YEAR}`)).text, 'plans-agreed', 'Plan agreed');
    expect(before[1]).toBe('2');
    await db.transaction(async (trx) => {
      const r4 = (await loadReferral(trx, ids.referralIds.R4))!;
      await updateReferral(trx, { userId: t.users.manager.id }, r4, r4.version, { plan_agreed: true, plan_date: '2024-10-01' }, {});
    });
    const after = rowOf((await manager.get(`/insight/plans?year=${YEAR}`)).text, 'plans-agreed', 'Plan agreed');
    expect(after[1]).toBe('3');
  });
});
