import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { createTestApp, type TestApp } from '../support/app.js';
import { expectAccessible, openBrowserSession, signInAs, type BrowserSession } from './browser.js';

// The account pages in a real browser, each checked with axe (WCAG 2.1 A and AA): an
// administrator adds a user and is shown the one-time link; the new person opens it, sets a
// password (errors first), signs in and changes it on Your account; a data lead sees the new
// account on their home page and acknowledges it; a used link's page.

let t: TestApp;
let session: BrowserSession;
let page: Page;

beforeAll(async () => {
  t = await createTestApp();
  session = await openBrowserSession(t.app, 20_000);
  page = session.page;
}, 120_000);

afterAll(async () => {
  await session?.close();
  await t?.close();
});

const h1 = async () => ((await page.locator('h1').first().textContent()) ?? '').replace(/\s+/g, ' ').trim();
const follow = (click: Promise<void>) => Promise.all([page.waitForNavigation({ waitUntil: 'load' }), click]);
const path = () => new URL(page.url()).pathname;

describe('accounts in the browser', () => {
  it('a new person sets their own password from the link an administrator passed on; a data lead acknowledges the account', async () => {
    // The administrator adds a coordinator and is shown the link, once.
    await signInAs(page, t.users.admin.email);
    await page.goto('/admin/users/new');
    await page.getByLabel('Full name').fill('Nell Newstart');
    await page.getByLabel('Email address').fill('nell@council.example');
    await page.getByRole('radio', { name: 'FGC coordinator' }).check();
    await follow(page.getByRole('button', { name: 'Add user' }).click());
    expect(path()).toMatch(/^\/admin\/users\/\d+\/link$/);
    expect(await h1()).toBe('Account created');
    await expectAccessible(page, 'the link shown to the administrator');
    const link = ((await page.locator('#password-link').textContent()) ?? '').trim();
    expect(link).toMatch(/\/set-password\/[A-Za-z0-9_-]{43}$/);
    await page.goto('/admin/users');
    expect(await page.locator('main').textContent()).toContain('Link to set a password waiting');
    await expectAccessible(page, 'the users page with a link waiting');

    // The new person, in their own browser, opens it.
    await page.context().clearCookies();
    await page.goto(link);
    expect(await h1()).toBe('Set your password');
    await expectAccessible(page, 'the set-password page');
    // JavaScript's show/hide button works.
    const field = page.getByLabel('Create a password');
    await field.fill('iloveyou1234');
    await page.getByRole('button', { name: 'Show password' }).click();
    expect(await field.getAttribute('type')).toBe('text');
    await follow(page.getByRole('button', { name: 'Set password' }).click());
    expect(await page.title()).toMatch(/^Error: /);
    expect(await page.locator('.govuk-error-summary').textContent()).toContain('Password is too common');
    await expectAccessible(page, 'the set-password page with a common password');
    await page.getByLabel('Create a password').fill('tangerine velvet harbour');
    await follow(page.getByRole('button', { name: 'Set password' }).click());
    expect(path()).toBe('/sign-in');
    expect(await page.locator('.govuk-notification-banner').textContent()).toContain('Your password has been set');
    await expectAccessible(page, 'the sign-in page after setting a password');

    // The link is used: its page says so.
    await page.goto(link);
    expect(await h1()).toBe('This link cannot be used');
    await expectAccessible(page, 'a used link');

    // Signed in, the person changes their password on Your account.
    await signInAs(page, 'nell@council.example', 'tangerine velvet harbour');
    expect(path()).toBe('/cases');
    await page.getByRole('link', { name: /your account/ }).click();
    await page.waitForURL('**/account');
    expect(await h1()).toBe('Your account');
    await expectAccessible(page, 'Your account');
    await follow(page.getByRole('link', { name: 'Change your password' }).click());
    await follow(page.getByRole('button', { name: 'Change password' }).click());
    expect(await page.title()).toMatch(/^Error: /);
    await expectAccessible(page, 'the change-password page posted empty');
    await page.getByLabel('Current password').fill('tangerine velvet harbour');
    await page.getByLabel('New password').fill('granite meadow whistle');
    await follow(page.getByRole('button', { name: 'Change password' }).click());
    expect(path()).toBe('/account');
    expect(await page.locator('.govuk-notification-banner').textContent()).toContain('Your password has been changed');
    await expectAccessible(page, 'Your account after a change of password');

    // A data lead sees the new account on their home page and acknowledges it.
    await signInAs(page, t.users.data_lead.email);
    expect(path()).toBe('/cases');
    const notice = page.locator('.govuk-notification-banner');
    expect(await notice.textContent()).toContain('Nell Newstart');
    await expectAccessible(page, 'the data lead’s home page with an account change to acknowledge');
    // A manager reads the same on the Account changes page, with nothing to press.
    await signInAs(page, t.users.manager.email);
    await follow(page.getByRole('navigation', { name: 'Menu' }).getByRole('link', { name: 'Account changes' }).click());
    expect(await h1()).toBe('Account changes');
    expect(await page.getByRole('button', { name: /Acknowledge/ }).count()).toBe(0);
    await expectAccessible(page, 'the account changes page, a change waiting (manager)');
    await signInAs(page, t.users.data_lead.email);
    await follow(page.getByRole('button', { name: 'Acknowledge this change' }).click());
    expect(path()).toBe('/account-audit');
    expect(await page.locator('.govuk-notification-banner--success').textContent()).toContain('1 change acknowledged');
    await expectAccessible(page, 'the account changes page after acknowledging');
    await page.goto('/cases');
    expect(await page.locator('.govuk-notification-banner').count()).toBe(0);
  }, 180_000);

  it('an administrator’s reset of a deactivated account is refused on the page, with a GOV.UK error', async () => {
    await signInAs(page, t.users.admin.email);
    await page.goto(`/admin/users/${t.users.coordinator.id}`);
    await page.getByRole('radio', { name: 'No, deactivated' }).check();
    await follow(page.getByRole('button', { name: 'Save', exact: true }).click());
    await page.goto(`/admin/users/${t.users.coordinator.id}`);
    await follow(page.getByRole('button', { name: 'Create a link to set a new password' }).click());
    expect(await page.title()).toMatch(/^Error: /);
    await expectAccessible(page, 'a reset refused for a deactivated account');
  }, 60_000);
});
