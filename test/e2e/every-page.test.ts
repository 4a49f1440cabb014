import type { Server } from 'node:http';
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Locator, Page } from 'playwright-core';
import { createTestApp, PASSWORD, type TestApp } from '../support/app.js';
import { createTestDb, type TestDb } from '../support/db.js';
import { seedFamily, seedReferral, type SeedReferralFields } from '../support/cases.js';
import { ROUTES } from '../support/route-table.js';
import { buildMessyTracker } from '../fixtures/messy-tracker.js';
import { createApp } from '../../server/app.js';
import { createServices } from '../../server/services.js';
import { loadConfig } from '../../server/config.js';
import { createLogger } from '../../server/logger.js';
import { ROLES, can, homeFor, type Permission, type Role } from '../../server/auth/roles.js';
import { STAGES } from '../../server/cases/stages.js';
import { loadDemoData } from '../../server/demo/load.js';
import { jobOf } from '../../server/tracker-import/jobs.js';
import { currentFinancialYear } from '../../server/cases/years.js';
import { addDays, splitIso, todayIso } from '../../server/common/dates.js';
import { axe, closeServer, expectAccessible, listen, openBrowserSession, signInAs, type BrowserSession } from './browser.js';

// Every GET page of the app (from the route table that test/roles.test.ts checks), opened in
// a real browser as each role allowed to see it, passes axe (WCAG 2.1 A and AA, and axe's best
// practices: every piece of content in a landmark, headings in order, ...); so do the
// forms posted empty, the pages a POST shows, and the not-found and forbidden pages.
// Downloads are checked to be downloads. Then keyboard-only journeys: sign in, find a case,
// record a stage, and the data lead downloading the return, with focus always visible.

let t: TestApp;
let session: BrowserSession;
let page: Page;
let empty: { tdb: TestDb; server: Server; baseUrl: string };

const lastYear = currentFinancialYear() - 1;
const ids = {} as { family: number; child: number; lookalike: number; full: number; started: number; keysFamily: number; keysReferral: number; tracker: number };

beforeAll(async () => {
  t = await createTestApp();
  const db = t.testDb.db;
  // Enough cases for the insight, return and quality pages to show figures, charts and records.
  await loadDemoData(db, { referrals: 120, seed: 'pages' });
  // Two look-alike children (a possible duplicate: the merge page has a candidate); one
  // referral through every stage, one just received.
  const f = await seedFamily(db, 'FAM-PAGES', [
    { first_name: 'Robin', last_name: 'Pages', date_of_birth: '2016-04-04', cms_id: '7000001', sex: 'F', ethnicity: 'WBRI' },
    { first_name: 'Robyn', last_name: 'Pages', date_of_birth: '2016-04-05', sex: 'F', ethnicity: 'WBRI' },
  ]);
  Object.assign(ids, { family: f.familyId, child: f.childIds[0], lookalike: f.childIds[1] });
  ids.full = await seedReferral(db, f.familyId, [{ child_id: f.childIds[0], legal_status: 'CP' }, { child_id: f.childIds[1], legal_status: 'CIN' }], {
    referral_date: '2024-05-01', referral_source: 'SW', stage_offered: 'CP', offer_date: '2024-05-03', offered_by: 'Coordinator', consent_decision: 'GIVEN',
    consent_date: '2024-05-10', initial_fgc_date: '2024-06-01', attend_parents: 2, child_participation: 'ADVOCATE', plan_agreed: true, plan_date: '2024-06-01',
    closure_date: '2025-01-10',
  } as SeedReferralFields, { reviews: ['2024-09-01'], plan_content: ['REMAIN', 'SAFETY'] });
  ids.started = await seedReferral(db, f.familyId, [{ child_id: f.childIds[1] }], { referral_date: addDays(todayIso(), -20) });
  // The family the keyboard journeys find and record consent for.
  const k = await seedFamily(db, 'FAM-KEYS', [{ first_name: 'Kim', last_name: 'Keys', date_of_birth: '2015-01-01', sex: 'M', ethnicity: 'WBRI' }]);
  ids.keysFamily = k.familyId;
  ids.keysReferral = await seedReferral(db, k.familyId, [{ child_id: k.childIds[0] }], {
    referral_date: addDays(todayIso(), -30), offer_date: addDays(todayIso(), -25), coordinator_id: t.users.coordinator.id,
  } as SeedReferralFields);

  session = await openBrowserSession(t.app, 20_000);
  page = session.page;
  if (process.env.E2E_TIMING) page.on('response', (r) => { if (!/\/(govuk|public|assets)\//.test(r.url())) console.log(' ', r.status(), r.request().method(), r.url()); });

  // The first-run page works only while nobody has an account: a second app on an empty database.
  const tdb = await createTestDb();
  const app = createApp(createServices(tdb.db, loadConfig({ NODE_ENV: 'test', DATABASE_FILE: ':memory:' }), createLogger('silent')));
  empty = { tdb, ...(await listen(app)) };
}, 120_000);

afterAll(async () => {
  await session?.close();
  if (empty) {
    await closeServer(empty.server);
    await empty.tdb.destroy();
  }
  await t?.close();
});

const text = async (l: Locator) => ((await l.first().textContent()) ?? '').replace(/\s+/g, ' ').trim();
const h1 = () => text(page.locator('h1'));
const follow = (click: Promise<void>) => Promise.all([page.waitForNavigation({ waitUntil: 'load' }), click]);

// ---- every page -----------------------------------------------------------------------

type Target = { url: string; lands?: string; status?: number } | { download: string; type: RegExp } | { link: string; type: RegExp };
const XLSX = /^application\/vnd\.openxmlformats-officedocument\.spreadsheetml\.sheet/;
const CSV = /^text\/csv/;

/** The concrete pages each GET route of the table is opened at. A route missing here fails the test. */
function targets(path: string, role: Role): Target[] | undefined {
  const stage = (key: string) => ({ url: `/referrals/${ids.full}/stages/${key}` });
  const table: Record<string, () => Target[]> = {
    '/': () => [{ url: '/', lands: homeFor(role) }],
    '/cases': () => [{ url: '/cases' }, { url: '/cases?q=FAM-PAGES' }, { url: '/cases?q=nobody-is-called-this' }],
    '/my-work': () => [{ url: '/my-work' }],
    '/families/new': () => [{ url: '/families/new' }],
    '/families/:id': () => [{ url: `/families/${ids.family}` }],
    '/families/:id/history': () => [{ url: `/families/${ids.family}/history` }],
    '/families/:id/children/new': () => [{ url: `/families/${ids.family}/children/new` }],
    '/families/:id/referrals/new': () => [{ url: `/families/${ids.family}/referrals/new` }],
    '/children/:id/edit': () => [{ url: `/children/${ids.child}/edit` }],
    '/children/:id/history': () => [{ url: `/children/${ids.child}/history` }],
    '/children/:id/merge': () => [{ url: `/children/${ids.lookalike}/merge` }, { url: `/children/${ids.lookalike}/merge?target=${ids.child}` }],
    '/referrals/:id': () => [{ url: `/referrals/${ids.full}` }, { url: `/referrals/${ids.started}` }],
    '/referrals/:id/history': () => [{ url: `/referrals/${ids.full}/history` }],
    '/referrals/:id/children': () => [{ url: `/referrals/${ids.full}/children` }],
    '/referrals/:id/reviews/new': () => [{ url: `/referrals/${ids.full}/reviews/new` }],
    '/referrals/:id/outcomes': () => [{ url: `/referrals/${ids.full}/outcomes` }],
    '/referrals/:id/stages/:stage': () => STAGES.map((s) => stage(s.key)),
    '/admin/users': () => [{ url: '/admin/users' }],
    '/admin/users/new': () => [{ url: '/admin/users/new' }],
    '/admin/users/:id': () => [{ url: `/admin/users/${t.users.coordinator.id}` }],
    '/admin/users/:id/link': () => [{ url: `/admin/users/${t.users.coordinator.id}/link` }],
    '/account': () => [{ url: '/account' }],
    '/account/password': () => [{ url: '/account/password' }],
    '/account-audit': () => [{ url: '/account-audit' }],
    '/admin/code-lists': () => [{ url: '/admin/code-lists' }],
    '/admin/code-lists/:list': () => [{ url: '/admin/code-lists/decline_reason' }, { url: '/admin/code-lists/ethnicity' }],
    '/admin/settings': () => [{ url: '/admin/settings' }],
    '/admin/retention': () => [{ url: '/admin/retention' }],
    '/admin/merges': () => [{ url: '/admin/merges' }],
    '/insight/download': () => [{ link: '/insight/download', type: CSV }],
    '/insight/comparison': () => [{ url: '/insight/comparison' }],
    '/insight/comparison/sample.csv': () => [{ download: '/insight/comparison/sample.csv', type: CSV }],
    '/quality': () => [{ url: '/quality' }],
    '/quality/rules': () => [{ url: '/quality/rules' }],
    '/quality/report.xlsx': () => [{ download: '/quality/report.xlsx', type: XLSX }],
    '/quality/:rule': () => [{ link: '/quality/', type: /^text\/html/ }],
    '/returns': () => [{ url: '/returns', lands: `/returns/${lastYear}` }],
    '/returns/answers': () => [{ url: '/returns/answers' }],
    '/returns/:year': () => [{ url: `/returns/${lastYear}` }],
    '/returns/:year/figures': () => [{ url: `/returns/${lastYear}/figures?population=referred&unit=fgcs` }, { url: `/returns/${lastYear}/figures?population=referred&unit=children` },
      { url: `/returns/${lastYear}/figures?population=reviews&unit=fgcs` }],
    '/returns/:year/workbook.xlsx': () => [{ download: `/returns/${lastYear}/workbook.xlsx`, type: XLSX }],
    '/returns/:year/child-extract.csv': () => [{ download: `/returns/${lastYear}/child-extract.csv`, type: CSV }],
    '/returns/:year/child-extract.xlsx': () => [{ download: `/returns/${lastYear}/child-extract.xlsx`, type: XLSX }],
    '/imports/interchange': () => [{ url: '/imports/interchange' }],
    '/exports/interchange.csv': () => [{ download: '/exports/interchange.csv', type: CSV }],
    '/exports/interchange.xlsx': () => [{ download: '/exports/interchange.xlsx', type: XLSX }],
    '/imports/tracker': () => [{ url: '/imports/tracker' }],
    '/imports/tracker/:id/header': () => [{ url: `/imports/tracker/${ids.tracker}/header` }],
    '/imports/tracker/:id/columns': () => [{ url: `/imports/tracker/${ids.tracker}/columns` }],
    '/imports/tracker/:id/values': () => [{ url: `/imports/tracker/${ids.tracker}/values` }],
    // checked with nothing matched, so it shows the file's problems (400)
    '/imports/tracker/:id': () => [{ url: `/imports/tracker/${ids.tracker}`, status: 400 }],
  };
  if (path.startsWith('/insight') && !table[path]) return [{ url: `${path}?year=${lastYear}` }];
  return table[path]?.();
}

// (the set-password page, opened with a real link, is checked in test/e2e/accounts.test.ts)
const PUBLIC_PAGES = new Set(['/health', '/sign-in', '/first-run', '/set-password/:token']);
const pagesOf = (role: Role) => ROUTES.filter(([method, path, need]) => method === 'GET' && !PUBLIC_PAGES.has(path) && (need === 'signed-in' || (need !== 'public' && can(role, need as Permission))));

/** Opens one target: a page must answer 200 with a heading and pass axe; a download must be an attachment of the right type. */
async function visit(role: Role, target: Target) {
  if (process.env.E2E_TIMING) console.log(role, JSON.stringify(target), new Date().toISOString());
  if ('url' in target) {
    const res = await page.goto(target.url);
    expect.soft(res?.status(), `${role} ${target.url}`).toBe(target.status ?? 200);
    expect(new URL(page.url()).pathname, `${role} ${target.url}: where it lands`).toBe(target.lands ?? target.url.split('?')[0]);
    expect.soft(await h1(), `${role} ${target.url} has a heading`).not.toBe('');
    await expectAccessible(page, `${role}: ${target.url}`);
    return;
  }
  let url: string;
  if ('link' in target) {
    // A link on the page before (the insight page's first download, the quality report's first rule).
    await page.goto(target.link === '/insight/download' ? `/insight?year=${lastYear}` : '/quality');
    const links = page.locator(`main a[href^="${target.link}"]:not([href*=".xlsx"])`);
    expect(await links.count(), `links to ${target.link} on ${page.url()} (${await h1()})`).toBeGreaterThan(0);
    const href = await links.first().getAttribute('href');
    expect(href, `a link to ${target.link}`).toBeTruthy();
    url = href!;
    if (target.type.test('text/html')) return visit(role, { url });
  } else url = target.download;
  const res = await page.context().request.get(url, { maxRedirects: 0 });
  expect.soft(res.status(), `${role} ${url}`).toBe(200);
  expect.soft(res.headers()['content-disposition'] ?? '', `${role} ${url} is a download`).toMatch(/^attachment; filename=/);
  expect.soft(res.headers()['content-type'] ?? '', `${role} ${url}`).toMatch(target.type);
}

/** Uploads the messy tracker as the data lead and checks it unmapped, so its pages exist (the check finds problems). */
async function startTrackerImport() {
  await page.goto('/imports/tracker');
  await page.setInputFiles('#file', { name: 'messy.xlsx', mimeType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', buffer: await buildMessyTracker() });
  await follow(page.getByRole('button', { name: 'Continue' }).click());
  ids.tracker = Number(/\/imports\/tracker\/(\d+)\//.exec(page.url())![1]);
  await page.goto(`/imports/tracker/${ids.tracker}/values`);
  await follow(page.getByRole('button', { name: 'Check the file' }).click());
  await jobOf(ids.tracker);
}

// Forms posted as they come (empty, or with what the page already holds): each must show its
// errors the GOV.UK way (an error summary, "Error:" in the title) and pass axe.
const EMPTY_FORMS: Record<Role, { url: () => string; button: string; clear?: string[] }[]> = {
  coordinator: [
    { url: () => '/families/new', button: 'Save family' },
    // the form offers the family's surname: clear it to post the form empty
    { url: () => `/families/${ids.family}/children/new`, button: 'Save child', clear: ['Last name'] },
    { url: () => `/families/${ids.family}/referrals/new`, button: 'Save referral' },
    { url: () => `/referrals/${ids.started}/stages/offer`, button: 'Save' },
    { url: () => `/referrals/${ids.started}/stages/consent`, button: 'Save' },
    { url: () => `/referrals/${ids.started}/stages/plan`, button: 'Save' },
    { url: () => `/referrals/${ids.started}/stages/closure`, button: 'Save' },
    { url: () => `/referrals/${ids.started}/reviews/new`, button: 'Save review' },
  ],
  manager: [],
  data_lead: [
    { url: () => '/insight/comparison', button: 'Check and save' },
    { url: () => '/imports/interchange', button: 'Check the file' },
    { url: () => '/imports/tracker', button: 'Continue' },
  ],
  admin: [
    { url: () => '/admin/users/new', button: 'Add user' },
    { url: () => '/admin/code-lists/decline_reason', button: 'Add value' },
  ],
};

async function postEmpty(role: Role, form: { url: () => string; button: string; clear?: string[] }) {
  const url = form.url();
  if (process.env.E2E_TIMING) console.log(role, url, 'posted empty', new Date().toISOString());
  await page.goto(url);
  for (const label of form.clear ?? []) await page.locator('main').getByLabel(label, { exact: true }).fill('');
  await follow(page.locator('main').getByRole('button', { name: form.button, exact: true }).click());
  const where = `${role}: ${url} posted empty`;
  expect.soft(await page.title(), where).toMatch(/^Error: /);
  expect.soft(await page.locator('.govuk-error-summary').count(), where).toBe(1);
  await expectAccessible(page, where);
}

describe('every page, as every role allowed to see it', () => {
  it('axe runs on the app’s pages and finds a problem when there is one', async () => {
    await page.goto('/sign-in');
    await page.evaluate(() => document.querySelector('main')!.insertAdjacentHTML('beforeend', '<input type="text" name="unlabelled">'));
    expect((await axe(page, 'a sign-in page with an unlabelled field')).violations.map((v) => v.id)).toContain('label');
    // best practice too: content outside every landmark (as the back link once was) is a 'region' violation
    await page.goto('/sign-in');
    await page.evaluate(() => document.querySelector('main')!.insertAdjacentHTML('beforebegin', '<a href="/" class="govuk-back-link">Back</a>'));
    expect((await axe(page, 'a sign-in page with a back link outside any landmark')).violations.map((v) => v.id)).toContain('region');
  });

  it('has a target for every GET route in the table', () => {
    const missing = ROUTES.filter(([m, p]) => m === 'GET' && !PUBLIC_PAGES.has(p) && !targets(p, 'data_lead')).map(([, p]) => p);
    expect(missing).toEqual([]);
  });

  it('signed out: the sign-in page (and with an error), the first-run page (and with errors), the health check', async () => {
    await page.context().clearCookies();
    await page.goto('/sign-in');
    await expectAccessible(page, 'the sign-in page');
    await follow(page.getByRole('button', { name: 'Sign in' }).click());
    expect(await page.title()).toMatch(/^Error: /);
    await expectAccessible(page, 'the sign-in page posted empty');
    await page.getByLabel('Email address').fill(t.users.coordinator.email);
    await page.getByLabel('Password').fill('not the password');
    await follow(page.getByRole('button', { name: 'Sign in' }).click());
    expect(await page.locator('.govuk-error-summary').count()).toBe(1);
    await expectAccessible(page, 'the sign-in page after a wrong password');

    // With accounts, the first-run page sends you to sign in; on an empty database it is the set-up form.
    await page.goto('/first-run');
    expect(new URL(page.url()).pathname).toBe('/sign-in');
    await page.goto(`${empty.baseUrl}/first-run`);
    expect(await h1()).toBe('Set up the first administrator');
    await expectAccessible(page, 'the first-run page');
    await follow(page.getByRole('button', { name: 'Create administrator' }).click());
    expect(await page.title()).toMatch(/^Error: /);
    await expectAccessible(page, 'the first-run page posted empty');
    // While nobody has an account the sign-in page points to first run; after it, it says the administrator exists.
    await page.goto(`${empty.baseUrl}/sign-in`);
    expect(await page.getByRole('link', { name: 'Set up the first administrator' }).getAttribute('href')).toBe('/first-run');
    await expectAccessible(page, 'the sign-in page with no accounts yet');
    await follow(page.getByRole('link', { name: 'Set up the first administrator' }).click());
    await page.getByLabel('Full name').fill('Ada Admin');
    await page.getByLabel('Email address').fill('ada@council.example');
    await page.getByLabel('Password', { exact: true }).fill('quiet lantern orbit meadow 42');
    await follow(page.getByRole('button', { name: 'Create administrator' }).click());
    expect(new URL(page.url()).pathname).toBe('/sign-in');
    expect(await text(page.locator('.govuk-notification-banner--success'))).toContain('The administrator account has been created');
    expect(await page.getByRole('link', { name: 'Set up the first administrator' }).count()).toBe(0);
    await expectAccessible(page, 'the sign-in page after first run');

    const health = await page.context().request.get('/health');
    expect(health.status()).toBe(200);
    expect(await health.json()).toMatchObject({ status: 'ok' });
  });

  it.each(ROLES)('as %s', async (role) => {
    await signInAs(page, t.users[role].email);
    if (role === 'data_lead') await startTrackerImport();
    const routes = pagesOf(role);
    expect(routes.length).toBeGreaterThan(role === 'admin' ? 5 : 15);
    for (const [, path] of routes) for (const target of targets(path, role)!) await visit(role, target);
    for (const form of EMPTY_FORMS[role]) await postEmpty(role, form);
  }, 300_000);

  it('the not-found and forbidden pages', async () => {
    await signInAs(page, t.users.coordinator.email);
    const missing = await page.goto('/families/99999999');
    expect(missing?.status()).toBe(404);
    await expectAccessible(page, 'the not-found page');
    const forbidden = await page.goto('/admin/users');
    expect(forbidden?.status()).toBe(403);
    await expectAccessible(page, 'the forbidden page');
  });

  it('the pages a data lead sees while importing an interchange file: problems, the check, the result', async () => {
    await signInAs(page, t.users.data_lead.email);
    const fixture = fs.readFileSync(new URL('../fixtures/interchange-small.csv', import.meta.url));
    const upload = async (name: string, buffer: Buffer) => {
      await page.goto('/imports/interchange');
      await page.setInputFiles('#file', { name, mimeType: 'text/csv', buffer });
      await follow(page.getByRole('button', { name: 'Check the file' }).click());
    };
    await upload('bad.csv', Buffer.from(fixture.toString('utf8').replace('2023-05-10', '2023-02-31')));
    expect(await h1()).toBe('The file cannot be imported');
    await expectAccessible(page, 'an interchange file with problems');
    // one child's sex differs between two referrals (a warning), and data-quality findings to review
    const lines = fixture.toString('utf8').trimEnd().split(/\r?\n/);
    const header = lines[0].split(',');
    const sex = header.indexOf('sex');
    const last = lines.find((l) => l.startsWith('R002,'))!.split(','); // no quoted commas in this row
    const other = [...last];
    other[header.indexOf('referral_ref')] = 'R099';
    other[header.indexOf('referral_date')] = '2024-03-30';
    other[sex] = last[sex] === 'M' ? 'F' : 'M';
    await upload('small.csv', Buffer.from([...lines, other.join(',')].join('\n')));
    expect(await h1()).toBe('Check the import');
    expect(await page.getByRole('heading', { name: /warning: children whose details differ between rows/ }).count()).toBe(1);
    expect(await page.getByRole('heading', { name: /Will be imported with \d+ data-quality problems? to review/ }).count()).toBe(1);
    for (const summary of await page.locator('details.govuk-details summary').all()) await summary.click();
    await expectAccessible(page, 'an interchange file checked, with warnings and findings open');
    await follow(page.getByRole('button', { name: 'Import these changes' }).click());
    expect(await h1()).toBe('Import complete');
    expect(await page.getByRole('heading', { name: /Imported with \d+ data-quality problems? to review/ }).count()).toBe(1);
    for (const summary of await page.locator('details.govuk-details summary').all()) await summary.click();
    await expectAccessible(page, 'an interchange import done, with findings open');
    await page.getByRole('link', { name: /Review and fix/ }).first().click();
    expect(await h1()).not.toBe('');
    await expectAccessible(page, 'the quality report reached from an import');
  });

  it('the duplicate warning a coordinator meets adding a child who looks like one already recorded', async () => {
    await signInAs(page, t.users.coordinator.email);
    await page.goto(`/families/${ids.family}/children/new`);
    await page.getByLabel('First name').fill('Robin');
    await page.getByLabel('Last name').fill('Pages');
    const dob = splitIso('2016-04-04');
    const group = page.getByRole('group', { name: 'Date of birth', exact: true });
    await group.getByLabel('Day', { exact: true }).fill(dob.day);
    await group.getByLabel('Month', { exact: true }).fill(dob.month);
    await group.getByLabel('Year', { exact: true }).fill(dob.year);
    await follow(page.getByRole('button', { name: 'Save child' }).click());
    expect(await page.getByRole('button', { name: 'Save anyway: this is a different child' }).count()).toBe(1);
    await expectAccessible(page, 'the possible duplicate warning');
  });
});

// ---- keyboard only ----------------------------------------------------------------------

/** Where focus is, and whether it shows: GOV.UK's focus state is the yellow (#ffdd00) outline, shadow or background. */
const focusState = () =>
  page.evaluate(() => {
    const el = document.activeElement as HTMLElement | null;
    if (!el || el === document.body) return { visible: false, describe: 'nothing', inMain: false };
    // Radios and checkboxes are drawn by their label's ::before.
    const input = el as HTMLInputElement;
    const styled = input.type === 'radio' || input.type === 'checkbox' ? getComputedStyle(el.nextElementSibling!, '::before') : getComputedStyle(el);
    const yellow = 'rgb(255, 221, 0)';
    const outline = styled.outlineStyle !== 'none' && parseFloat(styled.outlineWidth) > 0 && styled.outlineColor === yellow;
    const visible = outline || styled.boxShadow.includes(yellow) || styled.backgroundColor === yellow;
    const box = el.getBoundingClientRect();
    return {
      visible: visible && box.width > 0 && box.height > 0,
      describe: `${el.tagName.toLowerCase()} ${el.getAttribute('name') ?? el.id ?? ''} "${(el.textContent ?? '').trim().slice(0, 40)}"`,
      inMain: !!el.closest('main'),
    };
  });

const isFocused = (l: Locator) => l.evaluate((el) => el === document.activeElement);

/** Presses Tab until `target` has focus; every element passed on the way shows its focus. */
async function tabTo(target: Locator, max = 60) {
  for (let i = 0; i < max; i++) {
    await page.keyboard.press('Tab');
    const f = await focusState();
    expect.soft(f.visible, `focus is visible on ${f.describe}`).toBe(true);
    if (await isFocused(target)) return;
  }
  throw new Error(`Tab never reached ${target}`);
}

/** Presses a key that leads to another page and waits for it. */
const pressAndFollow = (key: string) => Promise.all([page.waitForNavigation({ waitUntil: 'load' }), page.keyboard.press(key)]);

/** From the top of the sign-in page: the skip link first, then the form, with the keyboard alone. */
async function signInWithKeyboard(email: string) {
  await page.context().clearCookies();
  await page.goto('/sign-in');
  await page.keyboard.press('Tab');
  const skip = page.getByRole('link', { name: 'Skip to main content' });
  expect(await isFocused(skip), 'the skip link is the first thing Tab reaches').toBe(true);
  expect((await focusState()).visible, 'the skip link shows when focused').toBe(true);
  await page.keyboard.press('Enter');
  await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe('main-content');
  await page.keyboard.press('Tab');
  expect((await focusState()).inMain, 'after the skip link, Tab goes on inside the main content').toBe(true);
  await page.keyboard.press('Shift+Tab'); // back, so tabTo meets the first field again
  await tabTo(page.getByLabel('Email address'));
  await page.keyboard.type(email);
  await tabTo(page.getByLabel('Password'));
  await page.keyboard.type(PASSWORD);
  await tabTo(page.getByRole('button', { name: 'Sign in' }));
  await pressAndFollow('Enter');
}

describe('with the keyboard alone', () => {
  it('a coordinator signs in, finds a case by searching, and records consent', async () => {
    await signInWithKeyboard(t.users.coordinator.email);
    expect(new URL(page.url()).pathname).toBe('/cases');

    // The skip link on a signed-in page jumps past the header and the menu.
    await page.keyboard.press('Tab');
    expect(await isFocused(page.getByRole('link', { name: 'Skip to main content' }))).toBe(true);
    await page.keyboard.press('Enter');
    await page.keyboard.press('Tab');
    const f = await focusState();
    expect(f.inMain, `first stop after the skip link: ${f.describe}`).toBe(true);

    await tabTo(page.getByLabel('Search'));
    await page.keyboard.type('FAM-KEYS');
    await pressAndFollow('Enter');
    expect(new URL(page.url()).searchParams.get('q')).toBe('FAM-KEYS');
    const rows = page.locator('main tbody tr');
    expect(await rows.count()).toBe(1);
    await tabTo(rows.first().getByRole('link').first());
    await pressAndFollow('Enter');
    expect(new URL(page.url()).pathname).toBe(`/referrals/${ids.keysReferral}`);

    await tabTo(page.getByRole('link', { name: 'Go to consent' }));
    await pressAndFollow('Enter');
    expect(await h1()).toBe('Consent');
    const decision = page.getByRole('group', { name: 'Decision', exact: true });
    await tabTo(decision.getByRole('radio').first());
    // Arrow keys move between radios (and select); Space selects the one with focus.
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowUp');
    await page.keyboard.press('Space');
    expect(await decision.getByRole('radio', { name: 'Consent given' }).isChecked()).toBe(true);
    const when = splitIso(addDays(todayIso(), -3));
    const date = page.getByRole('group', { name: 'Date of the decision', exact: true });
    await tabTo(date.getByLabel('Day', { exact: true }));
    await page.keyboard.type(when.day);
    await tabTo(date.getByLabel('Month', { exact: true }));
    await page.keyboard.type(when.month);
    await tabTo(date.getByLabel('Year', { exact: true }));
    await page.keyboard.type(when.year);
    await tabTo(page.getByRole('button', { name: 'Save', exact: true }));
    await pressAndFollow('Enter');
    expect(new URL(page.url()).pathname).toBe(`/referrals/${ids.keysReferral}`);
    const saved = await t.testDb.db('referrals').where({ id: ids.keysReferral }).first();
    expect(saved).toMatchObject({ consent_decision: 'GIVEN', consent_date: addDays(todayIso(), -3) });
  }, 120_000);

  it('the data lead goes to the annual return and downloads the workbook', async () => {
    await signInWithKeyboard(t.users.data_lead.email);
    await tabTo(page.getByRole('navigation', { name: 'Menu' }).getByRole('link', { name: 'Annual return' }));
    await pressAndFollow('Enter');
    expect(new URL(page.url()).pathname).toBe(`/returns/${lastYear}`);
    await tabTo(page.getByRole('link', { name: 'Download the workbook (xlsx)' }));
    const [download] = await Promise.all([page.waitForEvent('download'), page.keyboard.press('Enter')]);
    expect(download.suggestedFilename()).toMatch(/\.xlsx$/);
    const file = await download.path();
    expect(fs.readFileSync(file!).subarray(0, 2).toString()).toBe('PK'); // an xlsx is a zip
  }, 120_000);
});
