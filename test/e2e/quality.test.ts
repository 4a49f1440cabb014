import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { createTestApp, type TestApp } from '../support/app.js';
import { seedFamily, seedReferral } from '../support/cases.js';
import { splitIso } from '../../server/common/dates.js';
import { expectAccessible, openBrowserSession, signInAs, type BrowserSession } from './browser.js';

// Data quality and duplicate children in a real browser: a manager reads the report; a
// coordinator meets a possible duplicate, merges two records; an administrator undoes it.
// Every page is checked with axe (WCAG 2.1 A and AA).

let t: TestApp;
let page: Page;
let session: BrowserSession;
let familyId: number;

beforeAll(async () => {
  t = await createTestApp();
  session = await openBrowserSession(t.app);
  ({ page } = session);
  const f = await seedFamily(t.testDb.db, 'FAM-Q', [
    { first_name: 'John', last_name: 'Smith', date_of_birth: '2016-02-02', cms_id: '5000001', ethnicity: null },
    { first_name: 'Jon', last_name: 'Smith', date_of_birth: '2016-02-03', ethnicity: 'WBRI' },
  ]);
  familyId = f.familyId;
  await seedReferral(t.testDb.db, familyId, [{ child_id: f.childIds[0], legal_status: 'CP' }, { child_id: f.childIds[1] }], {
    referral_date: '2024-05-01', offer_date: '2024-05-02', consent_decision: 'DECLINED', consent_date: '2024-05-10', closure_date: '2024-05-20',
  });
});

afterAll(async () => {
  await session?.close();
  await t?.close();
});

const text = async (selector: string) => ((await page.locator(selector).first().textContent()) ?? '').replace(/\s+/g, ' ').trim();
const follow = (click: Promise<void>) => Promise.all([page.waitForNavigation({ waitUntil: 'load' }), click]);

describe('data quality and duplicate children in the browser', () => {
  it('a manager reads the report and opens the records behind a count', async () => {
    await signInAs(page, t.users.manager.email);
    await page.goto('/quality');
    expect(await text('h1')).toBe('Data quality');
    await expectAccessible(page, 'the quality report');
    await follow(page.getByRole('link', { name: /Declined with no reason: show them/ }).click());
    expect(await text('h1')).toBe('Declined with no reason');
    expect(await page.getByRole('link', { name: /^Fix/ }).count()).toBe(1);
    await expectAccessible(page, 'a rule’s records');
  });

  it('a coordinator sees the family’s issues and a possible duplicate before saving', async () => {
    await signInAs(page, t.users.coordinator.email);
    await page.goto(`/families/${familyId}`);
    expect(await text('.govuk-notification-banner')).toContain("Record the child's ethnicity");
    await expectAccessible(page, 'the family page with data-quality issues');
    await page.goto(`/families/${familyId}/children/new`);
    await page.getByLabel('First name').fill('Jonny');
    await page.getByLabel('Last name').fill('Smith');
    const dob = splitIso('2016-02-02');
    const group = page.getByRole('group', { name: 'Date of birth', exact: true });
    await group.getByLabel('Day', { exact: true }).fill(dob.day);
    await group.getByLabel('Month', { exact: true }).fill(dob.month);
    await group.getByLabel('Year', { exact: true }).fill(dob.year);
    await follow(page.getByRole('button', { name: 'Save child' }).click());
    expect(await text('h1')).toBe('These children may already be recorded');
    await expectAccessible(page, 'the possible duplicates page');
    await follow(page.getByRole('button', { name: 'Change the details' }).click());
    expect(await page.getByLabel('First name').inputValue()).toBe('Jonny');
  });

  it('a coordinator merges the two records', async () => {
    await page.goto(`/families/${familyId}`);
    await follow(page.getByRole('link', { name: 'Merge Jon Smith with another record' }).click());
    await expectAccessible(page, 'the merge page');
    await page.getByRole('radio', { name: /John Smith/ }).check();
    await follow(page.getByRole('button', { name: 'Continue' }).click());
    await expectAccessible(page, 'the merge confirmation');
    await follow(page.getByRole('button', { name: 'Merge the records' }).click());
    expect(await text('table')).toMatch(/Merged into C\d+/);
  });

  it('an administrator undoes the merge', async () => {
    await signInAs(page, t.users.admin.email);
    await page.goto('/admin/merges');
    await expectAccessible(page, 'the list of merges');
    await follow(page.getByRole('button', { name: /^Undo/ }).click());
    expect(await text('.govuk-notification-banner')).toContain('The merge has been undone');
    await expectAccessible(page, 'the list of merges after an undo');
  });
});
