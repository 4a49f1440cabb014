import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import fs from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';
import { AxeBuilder } from '@axe-core/playwright';
import type { Express } from 'express';
import { expect } from 'vitest';
import { PASSWORD } from '../support/app.js';

// Browser tests drive Debian's chromium (scripts/ensure-test-tools.sh installs it).
// Nothing here downloads a browser.
export const CHROMIUM = '/usr/bin/chromium';

export async function launchBrowser(): Promise<Browser> {
  if (!fs.existsSync(CHROMIUM)) {
    throw new Error(`Browser tests need Debian's chromium at ${CHROMIUM}: run scripts/ensure-test-tools.sh (or apt-get install chromium)`);
  }
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
}

/** Listens on a free port on the loopback interface; resolves with the server and its base URL. */
export async function listen(app: Express): Promise<{ server: Server; baseUrl: string }> {
  const server = app.listen(0, '127.0.0.1');
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', reject);
  });
  const { port } = server.address() as AddressInfo;
  return { server, baseUrl: `http://127.0.0.1:${port}` };
}

export function closeServer(server: Server | undefined): Promise<void> {
  if (!server) return Promise.resolve();
  server.closeAllConnections();
  return new Promise((resolve, reject) => server.close((e) => (e ? reject(e) : resolve())));
}

/** WCAG 2.1 A and AA, and axe's best practices (landmarks and regions, heading order, table headers, ...). */
export const WCAG_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'];

/** One readable line per failing element, so a failed assertion says what to fix. */
export function describeViolations(violations: Awaited<ReturnType<AxeBuilder['analyze']>>['violations']): string {
  return violations
    .map((v) => {
      const nodes = v.nodes
        .map((n) => `    - ${n.target.join(' ')}: ${n.failureSummary?.replace(/\s+/g, ' ').trim() ?? ''}\n      ${n.html.slice(0, 200)}`)
        .join('\n');
      return `  [${v.impact ?? 'unknown'}] ${v.id}: ${v.help} (${v.helpUrl})\n${nodes}`;
    })
    .join('\n');
}

/** Runs axe (WCAG 2.1 A and AA, and best practice) on the page as it is now; returns the violations with a readable summary. */
export async function axe(page: Page, where: string) {
  const results = await new AxeBuilder({ page }).withTags(WCAG_TAGS).analyze();
  const summary = results.violations.length
    ? `axe found ${results.violations.length} accessibility violation(s) on ${where} (${page.url()}):\n${describeViolations(results.violations)}`
    : '';
  return { violations: results.violations, summary };
}

/**
 * axe on the page as it is now. Failures are collected (expect.soft) so one run lists every
 * page's problems, compared by rule id so a failure prints the readable summary.
 */
export async function expectAccessible(page: Page, where: string): Promise<void> {
  const { violations, summary } = await axe(page, where);
  expect.soft(violations.map((v) => v.id), summary).toEqual([]);
}

/** Signs in through the sign-in form, after signing out any earlier session; resolves on the page it leads to. */
export async function signInAs(page: Page, email: string, password = PASSWORD): Promise<void> {
  await page.context().clearCookies();
  await page.goto('/sign-in');
  await page.getByLabel('Email address').fill(email);
  await page.getByLabel('Password').fill(password);
  await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), page.getByRole('button', { name: 'Sign in' }).click()]);
}

export interface BrowserSession {
  server: Server;
  baseUrl: string;
  browser: Browser;
  context: import('playwright-core').BrowserContext;
  page: Page;
  /** closes the page's context, the browser and the server (not the app's database) */
  close(): Promise<void>;
}

/** The app listening on loopback and one browser page whose relative URLs go to it. */
export async function openBrowserSession(app: Express, timeoutMs = 10_000): Promise<BrowserSession> {
  const { server, baseUrl } = await listen(app);
  const browser = await launchBrowser();
  const context = await browser.newContext({ baseURL: baseUrl });
  const page = await context.newPage();
  page.setDefaultTimeout(timeoutMs);
  return {
    server, baseUrl, browser, context, page,
    async close() {
      await context.close();
      await browser.close();
      await closeServer(server);
    },
  };
}
