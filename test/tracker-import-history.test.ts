import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Knex } from 'knex';
import { stringify } from 'csv-stringify/sync';
import { createTestApp, postForm, signIn, type Agent, type TestApp } from './support/app.js';
import { caseCounts } from './support/counts.js';
import { importTracker } from '../server/tracker-import/index.js';
import { jobOf } from '../server/tracker-import/jobs.js';
import { runQuality } from '../server/quality/report.js';
import type { TrackerMapping } from '../server/tracker-import/mapping.js';

// A council's real tracker history, as it is: gaps, a "no reply" with no reason, a child's
// ethnicity changed between two referrals, dates out of order, "N/A" and "-" where there is no
// CMS ID, "Unborn" and "due 03/2024" in the date of birth, an "FGC date" and a "Plan Y/N" but
// no plan date, a plan marked agreed with no conference, a consented episode closed with no
// reason it was not held. Everything is imported; what the data-quality rules find is listed in
// the check and then on the quality report, to be fixed in the app.

const HEADINGS = ['FGC no', 'Family', 'Received', 'Stage', 'Consent', 'Consent date', 'Reason', 'FGC date', 'Plan Y/N', 'Closed',
  'Child', 'Mosaic ID', 'First name', 'Surname', 'DOB', 'Gender', 'Ethnicity', 'Status'];
const ROWS = [
  // row 2: consent given, conference held, plan agreed (its date is the conference date)
  ['FGC-1', 'F1', '10/05/2023', 'CP', 'Yes', '20/05/2023', '', '20/06/2023', 'Y', '05/01/2024', 'C1', 'M101', 'Alex', 'Smith', '03/03/2015', 'M', 'WBRI', 'CP'],
  // row 3: the same child later, no reply and no reason; ethnicity recorded differently (the later referral's wins)
  ['FGC-2', 'F1', '15/01/2024', 'PLO', 'No reply', '25/01/2024', '', '', '', '01/02/2024', 'C1', 'M101', 'Alex', 'Smith', '03/03/2015', 'M', 'BAFR', 'PLO'],
  // rows 4, 5: consented, closed, never held and no reason why; N/A and "not known" for the CMS ID; an unborn child due in March
  ['FGC-3', 'F2', '01/09/2023', 'EH', 'Yes', '10/09/2023', '', '', '', '01/12/2023', 'C4', 'N/A', 'Dara', "O'Neill", '15/01/2019', 'F', 'WBRI', 'EH'],
  ['FGC-3', 'F2', '01/09/2023', 'EH', 'Yes', '10/09/2023', '', '', '', '01/12/2023', 'C5', 'not known', '', "O'Neill", 'due 03/2024', 'U', '', 'EH'],
  // row 6: consent dated before the referral; "Unborn" with no date; "-" for the CMS ID
  ['FGC-4', 'F3', '20/03/2024', 'CIN', 'Yes', '10/03/2024', '', '', '', '', 'C6', '-', '', 'Khan', 'Unborn', '', '', 'CIN'],
  // row 7: conference held, plan agreed
  ['FGC-5', 'F4', '15/03/2023', 'CP', 'Yes', '20/03/2023', '', '20/04/2023', 'Y', '', 'C7', 'M301', 'Fran', 'Nowak', '01/01/2012', 'F', 'WBRI', 'CP'],
  // row 8: a plan marked agreed with no conference and so no plan date
  ['FGC-6', 'F5', '01/06/2023', 'CIN', 'Yes', '05/06/2023', '', '', 'Y', '', 'C8', 'M401', 'Gus', 'Lee', '02/02/2016', 'M', 'WBRI', 'CIN'],
];
const tracker = () => Buffer.from(stringify([HEADINGS, ...ROWS]));

const MAPPING: TrackerMapping = {
  columns: {
    'FGC no': 'referral_ref', Family: 'family_ref', Received: 'referral_date', Stage: 'stage_offered', Consent: 'consent_decision',
    'Consent date': 'consent_date', Reason: 'decline_reason', 'FGC date': 'initial_fgc_date', 'Plan Y/N': 'plan_agreed', Closed: 'closure_date',
    Child: 'child_ref', 'Mosaic ID': 'cms_id', 'First name': 'first_name', Surname: 'last_name', DOB: 'date_of_birth', Gender: 'sex',
    Ethnicity: 'ethnicity', Status: 'legal_status',
  },
  also: { 'FGC date': ['plan_date'] },
  values: { consent_decision: { yes: 'GIVEN', 'no reply': 'NORESP' } },
};

let t: TestApp;
let db: Knex;

beforeAll(async () => {
  t = await createTestApp();
  db = t.testDb.db;
});
afterAll(() => t.close());

describe('a real tracker history', () => {
  it('dry run: nothing refused; the warning and every data-quality problem listed by tracker row and heading', async () => {
    const before = await caseCounts(db);
    const r = await importTracker(db, tracker(), { filename: 'history.csv', mapping: MAPPING, userId: null, dryRun: true });
    expect(r.problems).toEqual([]);
    expect(r.summary.referrals.create).toBe(6);
    expect(r.warnings).toEqual([expect.objectContaining({ row: 3, column: 'Ethnicity', message: expect.stringMatching(/Child C1 has "WBRI" in "Ethnicity" on row 2/) })]);
    const found = (rule: string) => r.findings.filter((f) => f.rule === rule).map((f) => [f.row, f.column]);
    // the tracker has no column for it: named by ours
    expect(found('not-held-without-reason')).toEqual([[4, 'fgc_not_held_reason']]);
    expect(found('stage-order')).toEqual(expect.arrayContaining([[6, 'Consent date'], [8, 'Plan Y/N']]));
    expect(found('plan-without-date')).toEqual([[8, 'FGC date']]);
    expect(found('no-birth-date')).toEqual([[6, 'DOB']]);
    expect(found('declined-without-reason')).toEqual([]); // no reply needs no reason
    expect(await caseCounts(db)).toEqual(before);
  });

  it('imports everything as it is, with the values real trackers hold read as they mean', async () => {
    const r = await importTracker(db, tracker(), { filename: 'history.csv', mapping: MAPPING, userId: null });
    expect(r.problems).toEqual([]);
    expect(r.applied).toBe(true);
    expect(await caseCounts(db)).toMatchObject({ families: 5, children: 6, referrals: 6 });
    const child = async (ref: string) => db('children').where({ child_ref: ref }).first();
    // N/A, "not known" and "-" are not CMS IDs
    for (const ref of ['C4', 'C5', 'C6']) expect((await child(ref)).cms_id).toBeNull();
    // "due 03/2024": unborn, due the last day of March; "Unborn": unborn with no date
    expect(await child('C5')).toMatchObject({ date_of_birth: null, expected_date_of_birth: '2024-03-31' });
    expect(await child('C6')).toMatchObject({ date_of_birth: null, expected_date_of_birth: null });
    // the later referral's ethnicity
    expect((await child('C1')).ethnicity).toBe('BAFR');
    const referral = async (ref: string) => db('referrals').where({ referral_ref: ref }).first();
    // the FGC date gives the plan date too
    expect(await referral('FGC-1')).toMatchObject({ initial_fgc_date: '2023-06-20', plan_date: '2023-06-20' });
    expect(await referral('FGC-5')).toMatchObject({ initial_fgc_date: '2023-04-20', plan_date: '2023-04-20' });
    // stored as the tracker says
    expect(await referral('FGC-2')).toMatchObject({ consent_decision: 'NORESP', decline_reason: null });
    expect(await referral('FGC-3')).toMatchObject({ consent_decision: 'GIVEN', initial_fgc_date: null, fgc_not_held_reason: null, closure_date: '2023-12-01' });
    expect(await referral('FGC-4')).toMatchObject({ referral_date: '2024-03-20', consent_date: '2024-03-10' });
    expect(!!(await referral('FGC-6')).plan_agreed).toBe(true);
    expect((await referral('FGC-6')).plan_date).toBeNull();
  });

  it('then lists each problem on the quality report, against the record to fix', async () => {
    const report = await runQuality(db);
    const refsOf = (rule: string) => report.issues.filter((i) => i.rule === rule).map((i) => i.referral_ref ?? i.child_ref).sort();
    expect(refsOf('not-held-without-reason')).toEqual(['FGC-3']);
    expect(refsOf('stage-order')).toEqual(['FGC-4', 'FGC-6']);
    expect(refsOf('plan-without-date')).toEqual(['FGC-6']);
    expect(refsOf('no-birth-date')).toEqual(['C6']);
    expect(refsOf('declined-without-reason')).toEqual([]);
  });
});

describe('the mapping pages for such a tracker', () => {
  let lead: Agent;
  beforeAll(async () => {
    lead = await signIn(t.app, t.users.data_lead.email);
  });

  it('offers one column for two of ours, and asks about N/A, not known, - and Unborn with sensible choices filled in', async () => {
    const rows = ROWS.map((r) => [r[0].replace('FGC', 'W'), `W${r[1]}`, ...r.slice(2, 10), `W${r[10]}`, ...r.slice(11)]);
    const up = await lead.post(`/imports/tracker?_csrf=${encodeURIComponent(lead.csrf)}`).attach('file', Buffer.from(stringify([HEADINGS, ...rows])), 'web.csv');
    expect(up.status).toBe(303);
    const columnsUrl = up.headers.location.replace(/\/header$/, '/columns');
    const page = await lead.get(columnsUrl);
    expect(page.status).toBe(200);
    expect(page.text).toContain('Also gives (optional)');
    const choices: Record<string, string> = {};
    HEADINGS.forEach((h, i) => {
      choices[`col-${i}`] = MAPPING.columns[h] ?? '';
    });
    choices[`col-${HEADINGS.indexOf('FGC date')}-also`] = 'plan_date';
    const saved = await postForm(lead, columnsUrl, choices);
    expect(saved.status).toBe(303);
    const values = await lead.get(saved.headers.location);
    expect(values.status).toBe(200);
    const selected = (value: string) => {
      const row = values.text.split('<tr class="govuk-table__row">').find((s) => s.includes(`>${value}</label>`))!;
      expect(row, value).toBeTruthy();
      return /<option value="([^"]*)" selected>/.exec(row)?.[1];
    };
    expect(selected('N/A')).toBe('-'); // not recorded
    expect(selected('not known')).toBe('-');
    expect(selected('Unborn')).toBe('unborn');
    expect(selected('due 03/2024')).toBe('unborn');
    expect(values.text).toContain('Keep as written');
    // the choice of "also" is kept with the mapping
    const again = await lead.get(columnsUrl);
    expect(again.text).toMatch(new RegExp(`id="col-${HEADINGS.indexOf('FGC date')}-also"[^>]*>[\\s\\S]*?<option value="plan_date" selected>`));
    // answering the values page (consent labels) checks the file: nothing refused
    const answers: Record<string, string> = {};
    for (const m of values.text.matchAll(/<label for="(v-consent_decision-\d+)">([^<]*)<\/label>/g)) answers[m[1]] = m[2] === 'Yes' ? 'GIVEN' : 'NORESP';
    for (const m of values.text.matchAll(/<select class="govuk-select" id="(v-[a-z_]+-\d+)"[^>]*>[\s\S]*?<option value="([^"]*)" selected>/g)) answers[m[1]] ??= m[2];
    const checked = await postForm(lead, saved.headers.location, answers);
    expect(checked.status).toBe(303);
    await jobOf(Number(/\/imports\/tracker\/(\d+)/.exec(checked.headers.location)![1]));
    const preview = await lead.get(checked.headers.location);
    expect(preview.status).toBe(200);
    expect(preview.text).toContain('Check the import');
    expect(preview.text).toMatch(/Will be imported with \d+ data-quality problems to review/);
    expect(preview.text).toContain('1 warning: children whose details differ between rows');
  });
});
