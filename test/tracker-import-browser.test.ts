import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { createTestApp, type TestApp } from './support/app.js';
import { expectAccessible, openBrowserSession, signInAs, type BrowserSession } from './e2e/browser.js';
import { buildMessyTracker } from './fixtures/messy-tracker.js';
import { jobOf } from '../server/tracker-import/jobs.js';

// Importing the messy tracker in a real browser as the data lead: upload, match columns
// (suggested), match values, save the mapping, check, import. Every page is checked with
// axe (WCAG 2.1 A and AA).

let t: TestApp;
let session: BrowserSession;
let page: Page;

beforeAll(async () => {
  t = await createTestApp();
  session = await openBrowserSession(t.app);
  ({ page } = session);
});

afterAll(async () => {
  await session?.close();
  await t?.close();
});

const text = async (selector: string) => ((await page.locator(selector).first().textContent()) ?? '').replace(/\s+/g, ' ').trim();
const follow = (click: Promise<void>) => Promise.all([page.waitForNavigation({ waitUntil: 'load' }), click]);
/** Waits for the check or import behind the current page, then reloads it. */
async function settle() {
  const id = Number(/\/imports\/tracker\/(\d+)/.exec(page.url())![1]);
  await jobOf(id);
  await page.reload();
}

describe('importing a tracker in the browser', () => {
  it('the data lead maps, checks and imports the messy tracker', async () => {
    await signInAs(page, t.users.data_lead.email);

    await page.goto('/imports/tracker');
    expect(await text('h1')).toBe('Import a tracker spreadsheet');
    await expectAccessible(page, 'the tracker upload page');
    await follow(page.getByRole('button', { name: 'Continue' }).click());
    expect(await text('.govuk-error-summary')).toContain('Select a CSV or Excel file');
    await expectAccessible(page, 'the upload page with an error');

    await page.setInputFiles('#file', { name: 'messy.xlsx', mimeType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', buffer: await buildMessyTracker() });
    await follow(page.getByRole('button', { name: 'Continue' }).click());
    expect(await text('h1')).toBe('Match the columns');
    expect(await page.getByLabel('Attendance Parents', { exact: true }).inputValue()).toBe('attend_parents');
    await expectAccessible(page, 'the columns page');
    await page.getByLabel('Family ID', { exact: true }).selectOption('');
    await follow(page.getByRole('button', { name: 'Continue' }).click());
    expect(await text('.govuk-error-summary')).toContain('Choose the column that gives family_ref');
    await expectAccessible(page, 'the columns page with an error');
    await page.getByLabel('Family ID', { exact: true }).selectOption('family_ref');
    await follow(page.getByRole('button', { name: 'Continue' }).click());

    expect(await text('h1')).toBe('Match the values');
    await expectAccessible(page, 'the values page');
    for (const [value, code] of [['Pre-proceedings', 'PLO'], ['Yes', 'GIVEN'], ['No', 'DECLINED'], ["Mum declined - didn't trust us", 'DISTRUST'], ['Unborn', 'U'],
      ['Mixed - White/Black Caribbean', 'MWBC'], ['CP plan', 'CP'], ['Not known', 'NKCSC']]) {
      await page.getByLabel(value, { exact: true }).selectOption(code);
    }
    await page.getByLabel('Save this mapping for next time (optional)').fill('Anytown tracker');
    await follow(page.getByRole('button', { name: 'Check the file' }).click());
    await settle();
    expect(await text('h1')).toBe('Check the import');
    await expectAccessible(page, 'the preview');
    await page.getByText('Rows that are not data').click();
    await expectAccessible(page, 'the preview with the skipped rows open');

    await follow(page.getByRole('button', { name: 'Import these changes' }).click());
    await settle();
    expect(await text('h1')).toBe('Import complete');
    await expectAccessible(page, 'the import complete page');
    expect(Number((await t.testDb.db('referrals').count({ n: '*' }).first())!.n)).toBe(5);
  }, 120_000);

  it('the heading-row and progress pages', async () => {
    await page.goto('/imports/tracker');
    await page.setInputFiles('#file', { name: 'odd.csv', mimeType: 'text/csv', buffer: Buffer.from('a,b\n1,2\n') });
    await follow(page.getByRole('button', { name: 'Continue' }).click());
    expect(await text('h1')).toBe('Which row has the column headings?');
    await expectAccessible(page, 'the heading-row page');
    await follow(page.getByRole('button', { name: 'Continue' }).click());
    await expectAccessible(page, 'the heading-row page with an error');

    const id = Number(/\/imports\/tracker\/(\d+)/.exec(page.url())![1]);
    await t.testDb.db('tracker_imports').where({ id }).update({ status: 'checking', rows_read: 30000, rows_checked: 12000, rows_total: 50000, updated_at: new Date().toISOString() });
    await page.goto(`/imports/tracker/${id}`);
    expect(await text('h1')).toBe('Checking the file');
    await expectAccessible(page, 'the progress page');
    await t.testDb.db('tracker_imports').where({ id }).update({ status: 'checked', result: null });
    await page.goto(`/imports/tracker/${id}`);
    expect(page.url()).toMatch(/\/columns$/);
  }, 60_000);
});
