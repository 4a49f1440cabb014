import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Knex } from 'knex';
import { createTestApp, signIn, postForm, PASSWORD, type Agent, type TestApp } from './support/app.js';
import { createUser } from '../server/auth/users.js';
import { createTestDb, type TestDb } from './support/db.js';
import { runScript } from './support/cli.js';
import { caseCounts, rowCount } from './support/counts.js';
import { buildMessyTracker, MESSY_MAPPING } from './fixtures/messy-tracker.js';
import { buildReturn } from '../server/annual-return/return-service.js';
import { importTracker, type TrackerProgress } from '../server/tracker-import/index.js';
import { applyInParts } from '../server/interchange/parts.js';
import { toInterchange } from '../server/tracker-import/transform.js';
import { readTracker } from '../server/tracker-import/read.js';
import { locateHeader } from '../server/tracker-import/index.js';
import { syntheticTracker } from '../server/tracker-import/synthetic.js';
import { jobOf } from '../server/tracker-import/jobs.js';
import { validateInterchange } from '../server/interchange/validate.js';
import { loadCodeLists } from '../server/codes/code-lists.js';



let t: TestApp;
let db: Knex;
let dataLead: number;
let messy: Buffer;

beforeAll(async () => {
  t = await createTestApp();
  db = t.testDb.db;
  dataLead = t.users.data_lead.id;
  messy = await buildMessyTracker();
});
afterAll(() => t.close());

describe('a messy tracker through its mapping', () => {
  it('dry run: reports what would happen, every row accounted for, and writes nothing', async () => {
    const before = await caseCounts(db);
    const phases: TrackerProgress[] = [];
    const r = await importTracker(db, messy, { filename: 'messy.xlsx', mapping: MESSY_MAPPING, userId: dataLead, dryRun: true, onProgress: (p) => void phases.push(p) });
    expect(r.problems).toEqual([]);
    expect(r.applied).toBe(false);
    expect(r.header).toMatchObject({ row: 5, depth: 2 });
    expect(r.summary).toEqual({
      rows: 8,
      families: { create: 4, update: 0, unchanged: 0 },
      children: { create: 7, update: 0, unchanged: 0 },
      referrals: { create: 5, update: 0, unchanged: 0 },
    });
    expect(r.skipped.map((s) => [s.row, s.reason])).toEqual([
      [13, 'A single value (a heading or a note)'],
      [17, 'A totals or notes row'],
      [18, 'A single value (a heading or a note)'],
    ]);
    expect(r.ignored).toEqual(['Notes']);
    expect(phases.map((p) => p.phase)).toEqual(expect.arrayContaining(['reading', 'checking', 'done']));
    expect(phases.at(-1)).toMatchObject({ phase: 'done', rowsRead: 18, rowsChecked: 13, rowsTotal: 13 });
    expect(await caseCounts(db)).toEqual(before);
  });

  it('applies: the records are right, audited under the importing user', async () => {
    const r = await importTracker(db, messy, { filename: 'messy.xlsx', mapping: MESSY_MAPPING, userId: dataLead });
    expect(r).toMatchObject({ applied: true, problems: [] });
    expect(await caseCounts(db)).toMatchObject({ families: 4, children: 7, referrals: 5, referral_children: 8 });

    const r1 = await db('referrals').where({ referral_ref: 'FGC-1' }).first();
    expect(r1).toMatchObject({
      referral_date: '2023-05-10', stage_offered: 'CP', offer_date: '2023-05-15', consent_decision: 'GIVEN', consent_date: '2023-05-20',
      initial_fgc_date: '2023-06-20', attend_parents: 2, attend_maternal: 3, attend_paternal: 1, plan_date: '2023-06-20', closure_date: '2024-01-05',
    });
    expect(!!r1.plan_agreed).toBe(true);
    expect(await db('referrals').where({ referral_ref: 'FGC-2' }).first()).toMatchObject({
      stage_offered: 'PLO', consent_decision: 'DECLINED', decline_reason: 'DISTRUST', fgc_not_held_reason: 'NOCONSENT', consent_date: '2024-01-25',
    });
    // siblings on two referrals: C2 is on both, once as a child
    const f1 = await db('families').where({ family_ref: 'F1' }).first();
    expect((await db('children').where({ family_id: f1.id }).orderBy('child_ref')).map((c) => c.child_ref)).toEqual(['C1', 'C2', 'C3']);
    const c2 = await db('children').where({ child_ref: 'C2' }).first();
    expect(await db('referral_children').where({ child_id: c2.id })).toHaveLength(2);
    // the child not known to children's social care, and the unborn child
    expect(await db('children').where({ child_ref: 'C4' }).first()).toMatchObject({ cms_id: null, ethnicity: 'MWBC', date_of_birth: '2019-01-15' });
    expect(await db('children').where({ child_ref: 'C5' }).first()).toMatchObject({ date_of_birth: null, expected_date_of_birth: '2024-02-10', sex: 'U' });
    const c4 = await db('children').where({ child_ref: 'C4' }).first();
    expect(await db('referral_children').where({ child_id: c4.id }).first()).toMatchObject({ legal_status: 'NKCSC' });

    const audit = await db('audit_log').whereNot({ entity: 'interchange' });
    expect(audit.length).toBeGreaterThan(50);
    expect(audit.every((a) => a.user_id === dataLead)).toBe(true);
    const event = await db('audit_log').where({ action: 'import', entity: 'interchange' });
    expect(event).toHaveLength(1);
    expect(event[0].new_value).toMatch(/^messy\.xlsx \(tracker\): 8 rows; families: 4 created/);
  });

  it('gives the annual return the hand-computed figures', async () => {
    const { ret } = await buildReturn(db, 2023);
    const pop = (k: keyof typeof ret.populations) => [ret.populations[k].fgcs, ret.populations[k].children];
    // referred in 2023-24: FGC-1..4 (FGC-5 was referred in March 2023); children C1..C6, C2 once
    expect(pop('referred')).toEqual([4, 6]);
    expect(pop('offered')).toEqual([3, null]); // FGC-1, 2, 3
    expect(pop('consented')).toEqual([2, 4]); // FGC-1 (C1, C2), FGC-3 (C4, C5)
    expect(pop('declined')).toEqual([1, null]); // FGC-2
    expect(pop('tookPlace')).toEqual([3, 5]); // FGC-1, FGC-3 and FGC-5 (held 20 April 2023): C1, C2, C4, C5, C7
    expect(pop('didNotTakePlace')).toEqual([1, null]); // FGC-2, closed 1 February 2024
    expect(pop('plansAgreed')).toEqual([2, null]); // FGC-1 and FGC-3; FGC-5's plan was not agreed
    // referral → consent: 10 and 9 days; referral → initial FGC: 41, 41 and 36 days
    expect(ret.medians).toEqual({ referralToConsent: 9.5, referralToInitialFgc: 41 });
    expect(ret.attendance).toMatchObject({ meetings: 3, meetingsWithAttendance: 3, familyMembers: 11 });

    const rows = (key: string) => Object.fromEntries(ret.breakdowns[key].rows.filter((r) => r.count).map((r) => [r.code, r.count]));
    // characteristics from each child's earliest referral in the year
    expect(rows('referred.children.legalStatus')).toEqual({ CP: 2, PLO: 1, NKCSC: 2, CIN: 1 });
    expect(rows('referred.children.ageBand')).toEqual({ UNBORN: 1, '1-4': 3, '5-9': 1, '10-15': 1 });
    expect(rows('referred.children.sex')).toEqual({ M: 3, F: 2, U: 1 });
    expect(rows('referred.children.ethnicity')).toEqual({ WBRI: 3, MWBC: 2, APKN: 1 });
    expect(rows('referred.fgcs.stageOffered')).toEqual({ CP: 1, PLO: 1, EH: 1, CIN: 1 });
    expect(rows('declined.fgcs.declineReason')).toEqual({ DISTRUST: 1 });
    expect(rows('didNotTakePlace.fgcs.notHeldReason')).toEqual({ NOCONSENT: 1 });
    expect(rows('tookPlace.children.legalStatus')).toEqual({ CP: 3, NKCSC: 2 });
  });

  it('re-importing the same file changes nothing and writes no audit rows', async () => {
    const before = await caseCounts(db);
    const versions = await db('referrals').select('referral_ref', 'version').orderBy('referral_ref');
    const r = await importTracker(db, messy, { filename: 'messy.xlsx', mapping: MESSY_MAPPING, userId: dataLead });
    expect(r.problems).toEqual([]);
    expect(r.applied).toBe(false);
    expect(r.summary).toMatchObject({ families: { unchanged: 4 }, children: { create: 0, update: 0, unchanged: 7 }, referrals: { create: 0, update: 0, unchanged: 5 } });
    expect(await caseCounts(db)).toEqual(before);
    expect(await db('referrals').select('referral_ref', 'version').orderBy('referral_ref')).toEqual(versions);
  });

  it('the same data laid out differently (headings moved down, columns reordered, as CSV) changes nothing', async () => {
    const sheet = await readTracker(messy, 'messy.xlsx');
    const header = locateHeader(sheet, MESSY_MAPPING)!;
    const names = header.columns.map((c) => c.name).reverse();
    const lines = [['Exported from the shared drive'], ['', ''], names, ...sheet.rows.slice(5).map((r) => header.columns.map((c) => r[c.index] ?? '').reverse())];
    const csv = lines.map((l) => l.map((v) => (/[",\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v)).join(',')).join('\r\n');
    const r = await importTracker(db, Buffer.from(csv), { filename: 'messy.csv', mapping: MESSY_MAPPING, userId: dataLead });
    expect(r.problems).toEqual([]);
    expect(r.header?.row).toBe(3);
    expect(r.summary.referrals).toEqual({ create: 0, update: 0, unchanged: 5 });
    expect(r.summary.children).toEqual({ create: 0, update: 0, unchanged: 7 });
  });
});

describe('a bad tracker', () => {
  // Problems on rows 8, 7, 11 and 14 of the sheet; other references so nothing matches what is held.
  const bad = () => buildMessyTracker((rows) => {
    const out = rows.map((r) => (r[0] && String(r[0]).startsWith('FGC-') ? [`X${r[0]}`, `X${r[1] ?? 'F1'}`, ...r.slice(2, 16), `X${r[16]}`, ...r.slice(17)] : r));
    out[1][8] = '21 Jun 2023'; // row 7: FGC-1's second row disagrees on the FGC date
    out[2][2] = '31st February 2024'; // row 8: not a date
    out[5][5] = 'Maybe'; // row 11: a consent answer the mapping does not know
    out[8][16] = null; // row 14: no child id, but other child details
    return out;
  });

  it('is refused with every problem at its tracker row and column, and nothing is written', async () => {
    const before = await caseCounts(db);
    const r = await importTracker(db, await bad(), { filename: 'bad.xlsx', mapping: MESSY_MAPPING, userId: dataLead });
    expect(r.applied).toBe(false);
    const at = r.problems.map((p) => [p.row, p.column, p.value]);
    expect(at).toEqual([
      [7, 'FGC held', '21 Jun 2023'],
      [8, 'Date received', '31st February 2024'],
      [11, 'Consent Given?', 'Maybe'],
      [14, 'Child ID', ''],
    ]);
    expect(r.problems[0].message).toBe('Referral XFGC-1 has "2023-06-20" in "FGC held" on row 6 but "2023-06-21" on this row. Every row of a referral must agree on "FGC held"');
    expect(r.problems[1].message).toMatch(/^"31st February 2024" in "Date received" is not a date that can be read/);
    expect(r.problems[2].message).toMatch(/^"Maybe" in "Consent Given\?" is not one of our consent decision codes or labels/);
    expect(r.problems[3].message).toBe('Enter the child ref');
    expect(await caseCounts(db)).toEqual(before);
  });

  it('a mapping without the required columns is refused at the heading row', async () => {
    const columns = { ...MESSY_MAPPING.columns, 'Child ID': null, 'Date received': null };
    const r = await importTracker(db, messy, { filename: 'messy.xlsx', mapping: { ...MESSY_MAPPING, columns }, userId: dataLead });
    expect(r.problems.map((p) => [p.row, p.column])).toEqual([[5, 'referral_date'], [5, 'child_ref']]);
  });

  it('a file that is not a spreadsheet is refused', async () => {
    const r = await importTracker(db, Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0, 0, 0, 0]), { filename: 'old.xls', mapping: MESSY_MAPPING, userId: dataLead });
    expect(r.problems[0].message).toMatch(/old-style Excel workbook/);
  });

  it('all or nothing across parts: a problem found while writing a later part undoes the earlier parts', async () => {
    // Family P2's child C1 is already recorded in family F1: the second part fails in the database.
    const csv = ['ref,fam,date,child', 'P-1,P1,2023-06-01,PC1', 'P-2,P2,2023-06-02,C1'].join('\n');
    const sheet = await readTracker(Buffer.from(csv), 'p.csv');
    const mapping = { columns: { ref: 'referral_ref', fam: 'family_ref', date: 'referral_date', child: 'child_ref' }, values: {} };
    const header = locateHeader(sheet, mapping)!;
    const codes = await loadCodeLists(db);
    const plan = validateInterchange((await toInterchange(sheet.rows, header, mapping, codes)).table, codes);
    // the same plan without the bad row (applyInParts consumes the plan it is given)
    const good = { ...plan, families: plan.families.slice(0, 1), children: plan.children.slice(0, 1), referrals: plan.referrals.slice(0, 1), rowCount: 1 };
    const before = await caseCounts(db);
    const r = await applyInParts(db, plan, { userId: dataLead, dryRun: false, partRows: 1 });
    expect(r.applied).toBe(false);
    expect(r.problems).toEqual([expect.objectContaining({ row: 3, column: 'family_ref', value: 'P2' })]);
    expect(await caseCounts(db)).toEqual(before);
    expect(await db('families').where({ family_ref: 'P1' }).first()).toBeUndefined();
    // and without the bad row, both parts are written
    expect((await applyInParts(db, good, { userId: dataLead, dryRun: false, partRows: 1 })).applied).toBe(true);
    expect(await db('families').where({ family_ref: 'P1' }).first()).toBeTruthy();
  });

  it('a plan written in several parts is audited once, with the whole file’s summary', async () => {
    const csv = ['ref,fam,date,child', 'Q-1,Q1,2023-06-01,QC1', 'Q-2,Q2,2023-06-02,QC2', 'Q-3,Q3,2023-06-03,QC3'].join('\n');
    const sheet = await readTracker(Buffer.from(csv), 'q.csv');
    const mapping = { columns: { ref: 'referral_ref', fam: 'family_ref', date: 'referral_date', child: 'child_ref' }, values: {} };
    const codes = await loadCodeLists(db);
    const plan = validateInterchange((await toInterchange(sheet.rows, locateHeader(sheet, mapping)!, mapping, codes)).table, codes);
    const events = () => db('audit_log').where({ action: 'import', entity: 'interchange' }).orderBy('id');
    const before = (await events()).length;
    const r = await applyInParts(db, plan, { userId: dataLead, dryRun: false, partRows: 1, filename: 'q.csv' });
    expect(r).toMatchObject({ applied: true, problems: [], summary: { rows: 3, families: { create: 3 }, referrals: { create: 3 } } });
    const after = await events();
    expect(after).toHaveLength(before + 1);
    expect(after.at(-1).new_value).toBe('q.csv: 3 rows; families: 3 created, 0 updated, 0 unchanged; children: 3 created, 0 updated, 0 unchanged; referrals: 3 created, 0 updated, 0 unchanged');
    expect(plan.referrals).toEqual([]); // consumed: its records were let go as the parts were written
  });
});

describe('a larger tracker', () => {
  it('2,000 rows of synthetic tracker: imported whole, progress reported as rows are read and checked', async () => {
    const target = await createTestDb();
    try {
      const s = await syntheticTracker({ rows: 2000 });
      const seen: TrackerProgress[] = [];
      const r = await importTracker(target.db, s.buffer, { filename: s.filename, mapping: s.mapping, userId: null, onProgress: (p) => void seen.push(p) });
      expect(r.problems).toEqual([]);
      expect(r.applied).toBe(true);
      expect(r.summary.rows).toBe(s.rows);
      expect(r.summary.referrals.create).toBe(s.referrals);
      expect(seen.some((p) => p.phase === 'reading' && p.rowsRead >= 2000)).toBe(true);
      expect(seen.some((p) => p.phase === 'checking' && p.rowsChecked >= 2000)).toBe(true);
      expect(seen.some((p) => p.phase === 'writing')).toBe(true);
      expect(await rowCount(target.db, 'referrals')).toBe(s.referrals);
    } finally {
      await target.destroy();
    }
  }, 120_000);
});

describe('the web pages', () => {
  let lead: Agent;
  const id = (url: string) => Number(/\/imports\/tracker\/(\d+)/.exec(url)![1]);
  const settle = async (location: string) => {
    await jobOf(id(location));
    return lead.get(location);
  };
  const uploadFile = (agent: Agent, content: Buffer, name: string, fields: Record<string, string> = {}) => {
    let req = agent.post(`/imports/tracker?_csrf=${encodeURIComponent(agent.csrf)}`);
    for (const [k, v] of Object.entries(fields)) req = req.field(k, v);
    return req.attach('file', content, name);
  };

  beforeAll(async () => {
    lead = await signIn(t.app, t.users.data_lead.email);
  });

  it('refuses coordinators and managers (403), writing nothing', async () => {
    const u = await uploadFile(lead, messy, 'messy.xlsx');
    const uploadId = id(u.headers.location);
    for (const role of ['coordinator', 'manager'] as const) {
      const agent = await signIn(t.app, t.users[role].email);
      const before = await caseCounts(db);
      expect((await agent.get('/imports/tracker')).status).toBe(403);
      expect((await uploadFile(agent, messy, 'messy.xlsx')).status).toBe(403);
      for (const p of ['', '/header', '/columns', '/values']) expect((await agent.get(`/imports/tracker/${uploadId}${p}`)).status).toBe(403);
      for (const p of ['/header', '/columns', '/values', '/check', '/apply']) expect((await postForm(agent, `/imports/tracker/${uploadId}${p}`, {})).status).toBe(403);
      expect((await postForm(agent, '/imports/tracker/mappings/1/delete', {})).status).toBe(403);
      expect(await caseCounts(db)).toEqual(before);
    }
  });

  it('upload → columns (suggested) → values → saved mapping → preview (nothing written) → import', async () => {
    // The same tracker with other references, so the import has something to do. (One app per
    // test file: a second one would replace the first's sign-in strategy.)
    const file = await buildMessyTracker((rows) => rows.map((r, i) => (r[0] && String(r[0]).startsWith('FGC-')
      ? [`W${r[0]}`, `W${r[1] ?? (i === 1 ? 'F1' : '')}`, ...r.slice(2, 16), `W${r[16]}`, ...r.slice(17)] : r)));
    const agent = lead;
    const fdb = db;
    {
      const page = await agent.get('/imports/tracker');
      expect(page.status).toBe(200);
      expect(page.text).toContain('enctype="multipart/form-data"');

      // The headings are found: straight to the columns page, suggestions filled in.
      const up = await uploadFile(agent, file, 'messy.xlsx');
      expect(up.status).toBe(303);
      expect(up.headers.location).toMatch(/^\/imports\/tracker\/\d+\/columns$/);
      const cols = await agent.get(up.headers.location);
      expect(cols.status).toBe(200);
      expect(cols.text).toContain('Consent Given?');
      expect(cols.text).toMatch(/<select[^>]*id="col-0"[^>]*>[\s\S]*?<option value="referral_ref" selected>/);
      expect(cols.text).toMatch(/<select[^>]*id="col-10"[^>]*>[\s\S]*?<option value="attend_parents" selected>/);

      // Leaving out a required column is an error on the page.
      const bad = await postForm(agent, up.headers.location, { 'col-0': 'referral_ref' });
      expect(bad.status).toBe(400);
      expect(bad.text).toContain('govuk-error-summary');
      expect(bad.text).toContain('Choose the column that gives family_ref');

      const choices = Object.fromEntries(Object.values(MESSY_MAPPING.columns).map((c, i) => [`col-${i}`, c ?? '']));
      const saved = await postForm(agent, up.headers.location, choices);
      expect(saved.status).toBe(303);
      expect(saved.headers.location).toMatch(/\/values$/);

      const values = await agent.get(saved.headers.location);
      expect(values.status).toBe(200);
      for (const v of ['Pre-proceedings', 'Mum declined - didn&#39;t trust us', 'CP plan', 'Not known', 'Unborn', 'Mixed - White/Black Caribbean', 'Yes']) expect(values.text).toContain(v);
      expect(values.text).not.toContain('>White British<'); // our own label needs no mapping
      const field = (column: string, value: string) => {
        const table = values.text.split('<table').find((s) => s.includes(`v-${column}-0`))!;
        const names = [...table.matchAll(/<label for="(v-[a-z_0-9]+-\d+)">([^<]*)<\/label>/g)];
        return names.find(([, , text]) => text.replace(/&#39;/g, "'") === value)![1];
      };
      // The values that are not ours ("Child protection" and "Early Help" are our labels, so not asked about).
      const answers: Record<string, string> = { name: 'Anytown tracker' };
      for (const [column, shown, code] of [
        ['stage_offered', 'Pre-proceedings', 'PLO'], ['consent_decision', 'Yes', 'GIVEN'], ['consent_decision', 'No', 'DECLINED'],
        ['decline_reason', "Mum declined - didn't trust us", 'DISTRUST'], ['sex', 'Unborn', 'U'],
        ['ethnicity', 'Mixed - White/Black Caribbean', 'MWBC'], ['legal_status', 'CP plan', 'CP'], ['legal_status', 'Not known', 'NKCSC'],
      ]) answers[field(column, shown)] = code;
      const before = await caseCounts(fdb);
      const checked = await postForm(agent, saved.headers.location, answers);
      expect(checked.status).toBe(303);
      const preview = await (async () => {
        await jobOf(id(checked.headers.location));
        return agent.get(checked.headers.location);
      })();
      expect(preview.status).toBe(200);
      expect(preview.text).toContain('Check the import');
      expect(preview.text).toContain('using the mapping “Anytown tracker”');
      expect(preview.text).toMatch(/Referrals<\/th>\s*<td[^>]*>5<\/td>\s*<td[^>]*>0<\/td>\s*<td[^>]*>0<\/td>/);
      expect(preview.text).toContain('Closed cases'); // skipped rows are listed
      expect(await caseCounts(fdb)).toEqual(before);
      expect(await fdb('tracker_mappings').where({ name: 'Anytown tracker' }).first()).toBeTruthy();

      const action = /action="(\/imports\/tracker\/\d+\/apply)"/.exec(preview.text)![1];
      const applied = await postForm(agent, action, {});
      expect(applied.status).toBe(303);
      await jobOf(id(applied.headers.location));
      const done = await agent.get(applied.headers.location);
      expect(done.text).toContain('Import complete');
      const after = await caseCounts(fdb);
      expect([after.families - before.families, after.children - before.children, after.referrals - before.referrals]).toEqual([4, 7, 5]);
      expect(await fdb('children').where({ child_ref: 'WC5' }).first()).toMatchObject({ expected_date_of_birth: '2024-02-10', sex: 'U' });
      const audit = await fdb('audit_log').where({ entity: 'referral', action: 'create', field: 'referral_ref', new_value: 'WFGC-2' }).first();
      expect(audit.user_id).toBe(dataLead);
      // applying again does nothing more: the upload has been imported
      expect((await postForm(agent, action, {})).status).toBe(303);
      expect(await caseCounts(fdb)).toEqual(after);

      // Next time: the saved mapping fits, so the file goes straight to its check.
      const again = await uploadFile(agent, file, 'messy-again.xlsx');
      expect(again.headers.location).toMatch(/^\/imports\/tracker\/\d+$/);
      await jobOf(id(again.headers.location));
      const second = await agent.get(again.headers.location);
      expect(second.text).toContain('Everything in the file is already recorded');
      expect(second.text).not.toContain('Import these changes');
    }
  }, 60_000);

  it('shows every problem with the tracker’s row and column, and an error summary', async () => {
    await db('tracker_mappings').insert({ name: 'Messy', mapping: JSON.stringify(MESSY_MAPPING), created_at: 'x', updated_at: 'x' });
    const file = await buildMessyTracker((rows) => {
      rows[2][2] = '31st February 2024';
      return rows;
    });
    const up = await uploadFile(lead, file, 'bad.xlsx');
    expect(up.headers.location).toMatch(/^\/imports\/tracker\/\d+$/);
    const res = await settle(up.headers.location);
    expect(res.status).toBe(400);
    expect(res.text).toContain('govuk-error-summary');
    expect(res.text).toContain('The file cannot be imported');
    expect(res.text).toMatch(/<td[^>]*>8<\/td>\s*<td[^>]*>Date received<\/td>\s*<td[^>]*>31st February 2024<\/td>/);
    expect(res.text).not.toContain('Import these changes');
    expect((await postForm(lead, `/imports/tracker/${id(up.headers.location)}/apply`, {})).status).toBe(409);
  });

  it('asks for the heading row when it cannot tell, and for a file when none is chosen', async () => {
    const csv = Buffer.from('a,b\n1,2\n');
    const up = await uploadFile(lead, csv, 'odd.csv');
    expect(up.headers.location).toMatch(/\/header$/);
    const page = await lead.get(up.headers.location);
    expect(page.text).toContain('Which row has the column headings?');
    expect((await postForm(lead, up.headers.location, { row: '9' })).status).toBe(400);
    const chosen = await postForm(lead, up.headers.location, { row: '1', depth: '1' });
    expect(chosen.headers.location).toMatch(/\/columns$/);
    const none = await lead.post(`/imports/tracker?_csrf=${encodeURIComponent(lead.csrf)}`).field('mapping', '');
    expect(none.status).toBe(400);
    expect(none.text).toContain('Select a CSV or Excel file');
  });

  it('shows progress while a large file is worked through, refreshing itself', async () => {
    const up = await uploadFile(lead, Buffer.from('a,b\n1,2\n'), 'big.csv');
    const uploadId = id(up.headers.location);
    await db('tracker_imports').where({ id: uploadId }).update({ status: 'checking', rows_read: 30000, rows_checked: 12000, rows_total: 50000, updated_at: new Date().toISOString() });
    const res = await lead.get(`/imports/tracker/${uploadId}`);
    expect(res.status).toBe(200);
    expect(res.headers.refresh).toBe('2');
    expect(res.text).toMatch(/Rows read<\/dt>\s*<dd[^>]*>30,000/);
    expect(res.text).toMatch(/Rows checked<\/dt>\s*<dd[^>]*>12,000 of 50,000/);
    // one that stopped (the server restarted) can be started again
    await db('tracker_imports').where({ id: uploadId }).update({ updated_at: '2000-01-01T00:00:00.000Z' });
    const stalled = await lead.get(`/imports/tracker/${uploadId}`);
    expect(stalled.headers.refresh).toBeUndefined();
    expect(stalled.text).toContain('Check the file again');
  });

  it('headings and values named __proto__, toString and constructor are ordinary columns and values', async () => {
    const csv = Buffer.from(
      'Family ID,Child ID,Referral date,__proto__,toString,constructor,Consent\n'
      + 'PF1,PC1,01/04/2024,PR1,note,x,__proto__\n'
      + 'PF2,PC2,02/04/2024,PR2,note,y,toString\n',
    );
    const up = await uploadFile(lead, csv, 'proto.csv');
    expect(up.status).toBe(303);
    expect(up.headers.location).toMatch(/\/columns$/);
    const cols = await lead.get(up.headers.location);
    expect(cols.status).toBe(200);
    const saved = await postForm(lead, up.headers.location, {
      'col-0': 'family_ref', 'col-1': 'child_ref', 'col-2': 'referral_date', 'col-3': 'referral_ref', 'col-4': '', 'col-5': '', 'col-6': 'consent_decision',
    });
    expect(saved.status).toBe(303);
    const uploadId = id(up.headers.location);
    const mapping = JSON.parse((await db('tracker_imports').where({ id: uploadId }).first()).mapping);
    expect(Object.getPrototypeOf(mapping.columns)).toBe(Object.prototype);
    expect(Object.hasOwn(mapping.columns, '__proto__')).toBe(true);
    expect(mapping.columns.__proto__).toBe('referral_ref');
    expect(mapping.columns.toString).toBeNull();
    // the values page asks about "__proto__" and "toString" as consent decisions, and keeps the answers
    expect(saved.headers.location).toMatch(/\/values$/);
    const values = await lead.get(saved.headers.location);
    expect(values.status).toBe(200);
    const field = new Map([...values.text.matchAll(/<label for="(v-consent_decision-\d+)">([^<]*)<\/label>/g)].map((m) => [m[2], m[1]] as const));
    expect([...field.keys()].sort()).toEqual(['__proto__', 'toString']);
    const answered = await postForm(lead, saved.headers.location, { name: '', [field.get('__proto__')!]: 'GIVEN', [field.get('toString')!]: 'DECLINED' });
    expect(answered.status).toBe(303);
    const after = JSON.parse((await db('tracker_imports').where({ id: uploadId }).first()).mapping);
    expect(Object.hasOwn(after.values.consent_decision, '__proto__')).toBe(true);
    expect(after.values.consent_decision.__proto__).toBe('GIVEN');
    expect(after.values.consent_decision.tostring ?? after.values.consent_decision.toString).toBe('DECLINED');
  });

  it('refuses an upload without a CSRF token', async () => {
    expect((await lead.post('/imports/tracker').attach('file', messy, 'messy.xlsx')).status).toBe(403);
  });

  it('another data lead’s upload is not found', async () => {
    const up = await uploadFile(lead, Buffer.from('a,b\n1,2\n'), 'mine.csv');
    await createUser(db, { email: 'lead2@council.example', name: 'Second lead', role: 'data_lead', team: 'North team', password: PASSWORD });
    const other = await signIn(t.app, 'lead2@council.example');
    expect((await other.get(up.headers.location)).status).toBe(404);
    expect((await postForm(other, `/imports/tracker/${id(up.headers.location)}/check`, {})).status).toBe(404);
  });
});

describe('the command line', () => {
  let cliDb: TestDb;
  let dir: string;
  const CLI_TIMEOUT = 120_000;
  const cli = (args: string[]) => runScript(cliDb, 'scripts/import-tracker.ts', args);

  beforeAll(async () => {
    cliDb = await createTestDb();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fgc-tracker-cli-'));
    fs.writeFileSync(path.join(dir, 'messy.xlsx'), messy);
    fs.writeFileSync(path.join(dir, 'mapping.json'), JSON.stringify(MESSY_MAPPING));
  });
  afterAll(async () => {
    await cliDb.destroy();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('--dry-run with a mapping file: progress, the summary, nothing written', async () => {
    const before = await caseCounts(cliDb.db);
    const r = await cli([path.join(dir, 'messy.xlsx'), '--mapping', path.join(dir, 'mapping.json'), '--dry-run']);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/reading: \d+ rows read/);
    expect(r.stderr).toMatch(/checking: \d+ of 13 rows checked/);
    expect(r.stdout).toContain('Headings in row 5 (and 1 above)');
    expect(r.stdout).toMatch(/Referrals\s+5 would be created/);
    expect(r.stdout).toContain('Skipped row 17: A totals or notes row');
    expect(r.stdout).toContain('Dry run');
    expect(await caseCounts(cliDb.db)).toEqual(before);
  }, CLI_TIMEOUT);

  it('a bad file: every problem with its tracker row and column, exit code 1, nothing written', async () => {
    const file = path.join(dir, 'bad.xlsx');
    fs.writeFileSync(file, await buildMessyTracker((rows) => {
      rows[5][5] = 'Maybe';
      return rows;
    }));
    const before = await caseCounts(cliDb.db);
    const r = await cli([file, '--mapping', path.join(dir, 'mapping.json')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/row 11\tConsent Given\?\t"Maybe"\t/);
    expect(await caseCounts(cliDb.db)).toEqual(before);
  }, CLI_TIMEOUT);

  it('imports by a saved mapping’s name', async () => {
    await cliDb.db('tracker_mappings').insert({ name: 'Anytown tracker', mapping: JSON.stringify(MESSY_MAPPING), created_at: 'x', updated_at: 'x' });
    const r = await cli([path.join(dir, 'messy.xlsx'), '--mapping', 'anytown tracker']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Imported in/);
    expect(await caseCounts(cliDb.db)).toMatchObject({ referrals: 5, children: 7 });
    expect((await cli([path.join(dir, 'messy.xlsx'), '--mapping', 'no such mapping'])).code).toBe(2);
  }, CLI_TIMEOUT);
});
