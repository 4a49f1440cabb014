import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { createTestApp, type TestApp } from '../support/app.js';
import { loadDemoData } from '../../server/demo/load.js';
import { INSIGHT_PAGES } from '../../server/insight/routes.js';
import { financialYearOf } from '../../server/insight/period.js';
import { todayIso } from '../../server/common/dates.js';
import { expectAccessible, openBrowserSession, signInAs, type BrowserSession } from './browser.js';

// A manager opens every insight page in a real browser, on the demo data (300 referrals),
// and each page passes axe (WCAG 2.1 A and AA, and best practice), fits the column with every
// details open, and no chart's legend overlaps its axis name; so do the comparison population page with
// errors and the equity page comparing with an upload. The pages also work with JavaScript off.

let t: TestApp;
let baseUrl: string;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let session: BrowserSession;

const SAMPLE = fs.readFileSync(new URL('../fixtures/comparison-population-sample.csv', import.meta.url), 'utf8');
const lastYear = financialYearOf(todayIso()) - 1;

beforeAll(async () => {
  t = await createTestApp();
  await loadDemoData(t.testDb.db, { referrals: 300, seed: 'insight-e2e' });
  session = await openBrowserSession(t.app, 15_000);
  ({ baseUrl, browser, context, page } = session);
});

afterAll(async () => {
  await session?.close();
  await t?.close();
});

const h1 = async () => ((await page.getByRole('heading', { level: 1 }).textContent()) ?? '').trim();

describe('insight pages in the browser', () => {
  it('a manager opens each page, with charts and tables, and each passes axe', async () => {
    await signInAs(page, t.users.manager.email);
    for (const p of INSIGHT_PAGES) {
      const started = Date.now();
      const res = await page.goto(`${p.path}?year=${lastYear}`);
      if (process.env.E2E_TIMING) console.log(p.path, Date.now() - started, 'ms');
      expect(res?.status(), p.path).toBe(200);
      expect(await h1()).toBe(p.title);
      expect(await page.locator('svg[role="img"]').count(), p.path).toBeGreaterThan(0);
      expect(await page.locator('table.govuk-table').count(), p.path).toBeGreaterThan(0);
      await expectAccessible(page, p.title);
      // read in the column: with every details open, nothing is wider than the main column
      await page.locator('main details:not([open]) > summary').evaluateAll((els) => els.forEach((e) => (e as HTMLElement).click()));
      const wider = await page.evaluate(() => {
        const main = document.querySelector('main')!.getBoundingClientRect();
        return [...document.querySelectorAll('main table, main svg, main .app-chart-scroll')]
          .filter((e) => e.getBoundingClientRect().right > main.right + 1 || (e.classList.contains('app-chart-scroll') && e.scrollWidth > e.clientWidth + 1))
          .map((e) => `${e.tagName} ${e.id || e.querySelector('caption')?.textContent || ''}`);
      });
      expect(wider, `${p.path}: wider than the column`).toEqual([]);
      await expectAccessible(page, `${p.title}, every details open`);
      // no chart's legend runs into the name of its axis, or into another legend item
      const overlaps = await page.evaluate(() => {
        const out: string[] = [];
        for (const svg of document.querySelectorAll('main svg.app-chart')) {
          const boxes = [...svg.querySelectorAll('.app-chart__legend, .app-chart__axis-title')].map((t) => ({ t: t.textContent, r: t.getBoundingClientRect() }));
          for (const [i, a] of boxes.entries()) for (const b of boxes.slice(i + 1)) {
            if (a.r.left < b.r.right && b.r.left < a.r.right && a.r.top < b.r.bottom && b.r.top < a.r.bottom) out.push(`${svg.querySelector('title')?.textContent}: "${a.t}" and "${b.t}"`);
          }
        }
        return out;
      });
      expect(overlaps, p.path).toEqual([]);
    }
  }, 240_000);

  it('moves between pages keeping the period, and changes the period and filters with the form', async () => {
    await page.goto(`/insight?year=${lastYear}&quarter=2`);
    await Promise.all([page.waitForNavigation(), page.getByRole('navigation', { name: 'Insight pages' }).getByRole('link', { name: 'Timeliness' }).click()]);
    expect(new URL(page.url()).searchParams.get('quarter')).toBe('2');
    await page.getByText('Change the period and filters').click();
    await page.getByLabel('Coordinator team').selectOption({ index: 1 });
    await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Show figures' }).click()]);
    expect(new URL(page.url()).searchParams.get('team')).toBeTruthy();
    expect(await page.getByText(/coordinator team: /).count()).toBeGreaterThan(0);
    await expectAccessible(page, 'timeliness, filtered');
  }, 120_000);

  it('work without JavaScript: charts are drawn on the server, the picker is a plain form', async () => {
    const noJs = await browser.newContext({ baseURL: baseUrl, javaScriptEnabled: false });
    try {
      await noJs.addCookies(await context.cookies());
      const p = await noJs.newPage();
      await p.goto(`/insight/trends`);
      expect(await p.locator('svg[role="img"] title').first().textContent()).toBe('Referrals and conferences by month');
      await p.getByText('Change the filters').click(); // a native <details>
      await Promise.all([p.waitForNavigation(), p.getByRole('button', { name: 'Show figures' }).click()]);
      expect(new URL(p.url()).pathname).toBe('/insight/trends');
    } finally {
      await noJs.close();
    }
  }, 60_000);

  it('explains a wrong date with an error summary that passes axe', async () => {
    await page.goto('/insight/refusals?from-day=31&from-month=2&from-year=2025&to-day=1&to-month=1&to-year=2025&by=sex');
    expect(await page.title()).toMatch(/^Error: Why FGCs do not happen/);
    expect(await page.locator('.govuk-error-summary').textContent()).toContain('Start date must be a real date');
    await expectAccessible(page, 'refusals with a date error');
  }, 120_000);

  it('a data lead uploads a comparison population (with a mistake first) and the equity page compares with it', async () => {
    await signInAs(page, t.users.data_lead.email);
    await page.goto('/insight/comparison');
    await expectAccessible(page, 'comparison populations');
    await page.getByLabel('Name').fill('Area population 0-17');
    await page.getByLabel('Or paste the figures').fill('characteristic,category_code,count\nsex,F,ten\nsex,X,3\n');
    await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Check and save' }).click()]);
    expect(await page.locator('.govuk-error-summary').textContent()).toContain('The figures have 2 problems');
    expect(await page.getByText('Row 3: category_code "X" is not a sex category').count()).toBe(1);
    await expectAccessible(page, 'comparison population with errors');

    await page.getByLabel('Or paste the figures').fill(SAMPLE);
    await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Check and save' }).click()]);
    expect(await page.locator('.govuk-notification-banner').textContent()).toContain('The comparison population has been saved');
    await expectAccessible(page, 'comparison population saved');

    await page.goto(`/insight/equity?year=${lastYear}`);
    expect(await page.getByText('Compared with').first().textContent()).toContain('Area population 0-17');
    expect(await page.getByRole('columnheader', { name: 'Referred index' }).count()).toBeGreaterThan(0);
    await expectAccessible(page, 'equity compared with an upload');
  }, 240_000);
});
