import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Locator, Page } from 'playwright-core';
import { createTestApp, PASSWORD, type TestApp } from '../support/app.js';
import { addDays, addMonths, formatDate, splitIso, todayIso } from '../../server/common/dates.js';
import { expectAccessible, openBrowserSession, type BrowserSession } from './browser.js';

// A coordinator records a two-child family and one FGC episode, from sign-in to an agreed
// plan, in a real browser against the real app, sees a success banner after each save, and
// finds the family by a child's name on the case list and on My work. Every page visited is
// checked with axe, including the sign-in page and a form showing errors.

let t: TestApp;
let page: Page;
let session: BrowserSession;

beforeAll(async () => {
  t = await createTestApp();
  session = await openBrowserSession(t.app);
  ({ page } = session);
});

afterAll(async () => {
  await session?.close();
  await t?.close();
});

// Event dates lie in the past (the app refuses future ones) and in the stages' order.
// They are relative to today so the next step after the plan stays the review: an
// initial conference more than six months ago would make the 6-month outcome due instead.
const today = todayIso();
const dates = {
  referral: addDays(today, -60),
  offer: addDays(today, -55),
  consent: addDays(today, -50),
  conference: addDays(today, -40),
  plan: addDays(today, -38),
};
const due = addMonths(today, 4); // the unborn child's expected date of delivery
const reviewDue = addDays(dates.conference, 91);

/** A GOV.UK date input: a fieldset named by its legend holding Day, Month and Year. */
async function fillDate(legend: string, iso: string | { day: string; month: string; year: string }) {
  const v = typeof iso === 'string' ? splitIso(iso) : iso;
  const group = page.getByRole('group', { name: legend, exact: true });
  await group.getByLabel('Day', { exact: true }).fill(v.day);
  await group.getByLabel('Month', { exact: true }).fill(v.month);
  await group.getByLabel('Year', { exact: true }).fill(v.year);
}

const radioIn = (legend: string, option: string): Locator =>
  page.getByRole('group', { name: legend, exact: true }).getByRole('radio', { name: option, exact: true });

const summaryValue = (key: string): Locator =>
  page.locator('.govuk-summary-list__row').filter({ has: page.getByRole('term').getByText(key, { exact: true }) }).getByRole('definition');

/** The element's text with white space collapsed. */
const text = async (l: Locator) => ((await l.textContent()) ?? '').replace(/\s+/g, ' ').trim();
const h1 = () => text(page.getByRole('heading', { level: 1 }));
const nextStep = () => text(page.locator('.govuk-inset-text .app-next-step'));
/** The success banner's message, checking it is announced (role=alert). */
async function banner() {
  const b = page.locator('.govuk-notification-banner--success');
  expect(await b.getAttribute('role')).toBe('alert');
  return text(b.locator('.govuk-notification-banner__heading'));
}
const unborn = `Unborn Rivera (due ${formatDate(due)})`;
const path = () => new URL(page.url()).pathname;
const isFocused = (l: Locator) => l.evaluate((el) => el === document.activeElement);
const visible = async (l: Locator) => {
  await l.waitFor({ state: 'visible' });
  return true;
};

/** Clicks a link or button and waits for the page it leads to. */
async function follow(l: Locator) {
  await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), l.click()]);
}
const save = (name = 'Save') => follow(page.getByRole('button', { name, exact: true }));
const go = (name: string) => follow(page.getByRole('link', { name, exact: true }));

describe('recording a referral in the browser', () => {
  let familyUrl: string;
  let referralUrl: string;

  it('signs in with the keyboard', async () => {
    await page.goto('/cases');
    expect(path()).toBe('/sign-in');
    expect(await h1()).toBe('Sign in');
    await expectAccessible(page, 'the sign-in page');

    await page.getByLabel('Email address').fill(t.users.coordinator.email);
    await page.getByLabel('Password').fill(PASSWORD);
    await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), page.getByLabel('Password').press('Enter')]);
    expect(path()).toBe('/cases');
    expect(await h1()).toBe('Cases');
  });

  it('shows an empty case list with a way to start', async () => {
    expect(await text(page.getByRole('main'))).toContain('No FGC referrals match. Start by adding a family.');
    expect(await visible(page.getByRole('link', { name: 'adding a family', exact: true }))).toBe(true);
    expect(await page.getByRole('table').count()).toBe(0);
    await expectAccessible(page, 'the empty case list');
    await go('Add a family');
    expect(path()).toBe('/families/new');
    expect(await h1()).toBe('Add a family');
    await expectAccessible(page, 'the add a family form');
  });

  it('refuses a date that does not exist, with an error summary linking to the field', async () => {
    await page.getByLabel('Family reference').fill('FAM-E2E');
    await page.getByLabel('First name').fill('Alex');
    await page.getByLabel('Last name').fill('Rivera');
    // No CMS id: the child is not known to children's social care.
    expect(await page.getByLabel('Case management system ID').inputValue()).toBe('');
    await fillDate('Date of birth', { day: '31', month: '2', year: '2024' });
    await radioIn('Sex', 'Female').check();
    await page.getByLabel('Ethnicity').selectOption({ label: 'White British' });
    await page.getByRole('group', { name: 'Disability' }).getByRole('checkbox', { name: 'No disability' }).check();
    await save('Save family');

    expect(path()).toBe('/families');
    expect(await page.title()).toMatch(/^Error: Add a family/);
    const summary = page.locator('.govuk-error-summary');
    expect(await visible(summary)).toBe(true);
    expect(await text(summary.getByRole('heading'))).toBe('There is a problem');
    // GOV.UK Frontend moves focus to the summary so that it is announced and seen first.
    await expect.poll(() => isFocused(summary)).toBe(true);
    expect(await summary.evaluate((el) => el.getBoundingClientRect().top >= 0 && el.getBoundingClientRect().bottom <= window.innerHeight)).toBe(true);
    const link = summary.getByRole('link', { name: 'Date of birth must be a real date', exact: true });
    expect(await visible(link)).toBe(true);
    const dob = page.getByRole('group', { name: 'Date of birth', exact: true });
    expect(await text(dob.locator('.govuk-error-message'))).toBe('Error: Date of birth must be a real date');
    // What was typed is kept.
    expect(await page.getByLabel('First name').inputValue()).toBe('Alex');
    expect(await dob.getByLabel('Day', { exact: true }).inputValue()).toBe('31');
    await expectAccessible(page, 'the add a family form showing an error');

    // Following the link puts the cursor in the date of birth.
    await link.click();
    await expect.poll(() => isFocused(dob.getByLabel('Day', { exact: true }))).toBe(true);

    await fillDate('Date of birth', '2019-06-15');
    await save('Save family');
    expect(path()).toMatch(/^\/families\/\d+$/);
    familyUrl = page.url();
    expect(await banner()).toBe('Family added, with Alex Rivera');
  });

  it('shows the family page with the first child', async () => {
    expect(await h1()).toBe('Rivera family');
    expect(await text(page.getByRole('main'))).toContain('Family FAM-E2E');
    const row = await text(page.getByRole('row').filter({ hasText: 'Alex Rivera' }));
    expect(row).toContain("Not known to children's social care");
    expect(row).toContain(formatDate('2019-06-15'));
    expect(row).toContain('Female');
    expect(await text(page.getByRole('main'))).toContain('This family has not been referred for an FGC yet.');
    await expectAccessible(page, 'the family page');
  });

  it('adds an unborn child', async () => {
    await go('Add a child');
    expect(await h1()).toBe('Add a child to the family');
    await expectAccessible(page, 'the add a child form');
    // the family's surname is offered
    expect(await page.getByLabel('Last name').inputValue()).toBe('Rivera');
    await fillDate('Expected date of delivery', due);
    await radioIn('Sex', 'Unknown / not yet born').check();
    await save('Save child');
    expect(page.url()).toBe(familyUrl);
    expect(await banner()).toBe(`${unborn} added to the family`);
    expect(await page.getByRole('row').filter({ hasText: `Unborn, due ${formatDate(due)}` }).count()).toBe(1);
    await expectAccessible(page, 'the family page with a success banner');
  });

  it('adds a referral covering both children, with their legal statuses', async () => {
    await go('Add a referral');
    expect(await h1()).toBe('Add a referral');
    await expectAccessible(page, 'the add a referral form');

    const children = page.getByRole('group', { name: 'Children this referral covers' });
    await children.getByRole('checkbox', { name: /^Alex Rivera \(/ }).check();
    await children.getByRole('checkbox', { name: /^Rivera \(/ }).check();
    await page.getByLabel('Legal status of Alex Rivera at referral', { exact: true }).selectOption({ label: 'Child in need plan' });
    await page.getByLabel('Legal status of Rivera at referral', { exact: true }).selectOption({ label: 'Pre-proceedings (Public Law Outline)' });
    await fillDate('Date the FGC service received the referral', dates.referral);
    await page.getByLabel('Who referred the family').selectOption({ label: 'Social work team' });
    await page.getByLabel('Stage at which the FGC is offered').selectOption({ label: 'Child in need' });
    expect(await page.getByLabel('Coordinator', { exact: true }).inputValue()).toBe(String(t.users.coordinator.id));
    await save('Save referral');
    expect(path()).toMatch(/^\/referrals\/\d+$/);
    referralUrl = page.url();

    expect(await h1()).toMatch(/^FGC referral \S+$/);
    expect(await text(summaryValue('Alex Rivera'))).toBe('Child in need plan');
    expect(await text(summaryValue('Rivera'))).toBe('Pre-proceedings (Public Law Outline)');
    expect(await text(summaryValue('Date the FGC service received the referral'))).toBe(formatDate(dates.referral));
    expect(await banner()).toBe(`Referral added for Alex Rivera, ${unborn}`);
    expect(await nextStep()).toBe('Next step: Record the FGC offer');
    await expectAccessible(page, 'the referral page');
  });

  it('records the offer, submitting the form from the keyboard', async () => {
    await go('Go to offer');
    expect(await h1()).toBe('Offer');
    await expectAccessible(page, 'the offer form');
    await fillDate('Date the FGC was offered to parents or carers', dates.offer);
    await page.getByLabel('Who offered it').fill('Coordinator');
    await page.getByLabel('How it was offered').fill('At a home visit');

    // Tab from the last field to the Save button and press Enter.
    const saveButton = page.getByRole('button', { name: 'Save', exact: true });
    let reached = false;
    for (let i = 0; i < 10 && !reached; i++) {
      await page.keyboard.press('Tab');
      reached = await isFocused(saveButton);
    }
    expect(reached, 'the Save button is reachable with Tab').toBe(true);
    await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), page.keyboard.press('Enter')]);

    expect(page.url()).toBe(referralUrl);
    expect(await text(summaryValue('Date the FGC was offered to parents or carers'))).toBe(formatDate(dates.offer));
    expect(await text(summaryValue('How it was offered'))).toBe('At a home visit');
    expect(await banner()).toBe(`Offer recorded for Alex Rivera, ${unborn}`);
    expect(await nextStep()).toBe('Next step: Record the family’s consent decision');
  });

  it('records consent given', async () => {
    await go('Go to consent');
    expect(await h1()).toBe('Consent');
    await expectAccessible(page, 'the consent form');
    await radioIn('Decision', 'Consent given').check();
    await fillDate('Date of the decision', dates.consent);
    await save();
    expect(page.url()).toBe(referralUrl);
    expect(await text(summaryValue('Decision'))).toBe('Consent given');
    expect(await banner()).toBe(`Consent recorded for Alex Rivera, ${unborn}`);
    expect(await nextStep()).toBe('Next step: Arrange the conference, then record it');
  });

  it('records the initial conference: held, who attended, the child taking part', async () => {
    await go('Go to conference');
    expect(await h1()).toBe('Initial conference');
    await expectAccessible(page, 'the initial conference form');
    await fillDate('Date the initial conference was held', dates.conference);
    await page.getByLabel('Number of parents or carers who attended').fill('2');
    await page.getByLabel('Number of maternal relatives who attended').fill('3');
    await page.getByLabel('Number of paternal relatives who attended').fill('1');
    await page.getByLabel('Number of friends and community members who attended').fill('1');
    await page.getByLabel('Number of professionals who attended').fill('2');
    await radioIn('Child participation', 'Views given through an advocate').check();
    await radioIn('Was an advocate used?', 'Yes').check();
    await radioIn('Was an interpreter used?', 'No').check();
    await radioIn('Was private family time held?', 'Yes').check();
    await save();
    expect(page.url()).toBe(referralUrl);
    expect(await text(summaryValue('Date the initial conference was held'))).toBe(formatDate(dates.conference));
    expect(await text(summaryValue('Number of maternal relatives who attended'))).toBe('3');
    expect(await text(summaryValue('Child participation'))).toBe('Views given through an advocate');
    expect(await text(summaryValue('Was an interpreter used?'))).toBe('No');
    expect(await banner()).toBe(`Initial conference recorded for Alex Rivera, ${unborn}`);
    expect(await nextStep()).toBe('Next step: Record the family plan');
  });

  it('records the agreed plan', async () => {
    await go('Go to plan');
    expect(await h1()).toBe('Plan');
    await expectAccessible(page, 'the plan form');
    await radioIn('Was a plan agreed?', 'Yes').check();
    await fillDate('Date the plan was agreed', dates.plan);
    const content = page.getByRole('group', { name: 'What the plan provides' });
    await content.getByRole('checkbox', { name: 'Child remains at home with network support' }).check();
    await content.getByRole('checkbox', { name: 'Safety plan / supervision by network' }).check();
    await save();
    expect(page.url()).toBe(referralUrl);
    expect(await banner()).toBe(`Plan recorded for Alex Rivera, ${unborn}`);
  });

  it('shows the plan agreed and the review due on the referral page', async () => {
    expect(await text(summaryValue('Was a plan agreed?'))).toBe('Yes');
    expect(await text(summaryValue('Date the plan was agreed'))).toBe(formatDate(dates.plan));
    expect(await text(summaryValue('What the plan provides'))).toBe('Child remains at home with network support; Safety plan / supervision by network');
    expect(await nextStep()).toBe(`Next step: Hold the review conference by ${formatDate(reviewDue)}`);
    expect(await visible(page.locator('.govuk-inset-text').getByRole('link', { name: 'Record a review conference' }))).toBe(true);
    await expectAccessible(page, 'the referral page with an agreed plan');
  });

  it('shows the episode on the family timeline, and the case list shows the referral', async () => {
    await go('Rivera family');
    expect(page.url()).toBe(familyUrl);
    const episode = page.locator('.app-timeline__item');
    expect(await episode.count()).toBe(1);
    expect(await text(episode.getByRole('heading', { level: 3 }))).toMatch(new RegExp(`^Referral \\S+, ${formatDate(dates.referral)}$`));
    const body = await text(episode);
    expect(body).toContain('Children: Alex Rivera, Rivera.');
    expect(body).toContain('Stage offered: Child in need.');
    expect(body).toContain('Coordinator: Test coordinator.');
    expect(await Promise.all((await episode.getByRole('listitem').all()).map(text))).toEqual([
      `Offered ${formatDate(dates.offer)}`,
      `Consent given ${formatDate(dates.consent)}`,
      `Initial conference held ${formatDate(dates.conference)}`,
      `Plan agreed ${formatDate(dates.plan)}`,
    ]);
    expect(await text(episode.locator('.app-next-step'))).toBe(`Next step: Hold the review conference by ${formatDate(reviewDue)}`);
    await expectAccessible(page, 'the family page with its timeline');

    await go('Cases');
    expect(path()).toBe('/cases');
    const row = await text(page.getByRole('row').filter({ hasText: 'FAM-E2E' }));
    expect(row).toContain(formatDate(dates.referral));
    expect(row).toContain(`Hold the review conference by ${formatDate(reviewDue)}`);
    await expectAccessible(page, 'the case list with one referral');
  });

  it('finds the family by a child’s name on the case list and on My work', async () => {
    await page.getByLabel('Search').fill('alex');
    await follow(page.getByRole('button', { name: 'Search', exact: true }));
    expect(new URL(page.url()).searchParams.get('q')).toBe('alex');
    const row = page.getByRole('row').filter({ hasText: 'FAM-E2E' });
    expect(await row.count()).toBe(1);
    expect(await text(row)).toContain(`Alex Rivera, ${unborn}`);
    expect(await text(row)).toContain('Rivera');
    await expectAccessible(page, 'the case list searched by a child’s name');
    await page.getByLabel('Search').fill('nobody');
    await follow(page.getByRole('button', { name: 'Search', exact: true }));
    expect(await page.getByRole('row').filter({ hasText: 'FAM-E2E' }).count()).toBe(0);

    await follow(page.getByRole('navigation', { name: 'Menu' }).getByRole('link', { name: 'My work', exact: true }));
    expect(path()).toBe('/my-work');
    expect(await h1()).toBe('My work');
    const work = page.getByRole('row').filter({ hasText: 'Alex Rivera' });
    expect(await work.count()).toBe(1);
    expect(await text(work)).toContain(`Hold the review conference by ${formatDate(reviewDue)}`);
    await expectAccessible(page, 'My work');
    await follow(work.getByRole('link', { name: `Hold the review conference by ${formatDate(reviewDue)}` }));
    expect(path()).toMatch(/^\/referrals\/\d+\/reviews\/new$/);
  });
});
