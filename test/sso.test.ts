import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import Provider from 'oidc-provider';
import type { Browser } from 'playwright-core';
import { createApp } from '../server/app.js';
import { createServices } from '../server/services.js';
import { loadConfig } from '../server/config.js';
import { createLogger } from '../server/logger.js';
import { discoverOidc, oidcSettingsFromEnv, parseRoleMap, roleFromClaims } from '../server/auth/oidc.js';
import { createUser } from '../server/auth/users.js';
import { createTestDb, type TestDb } from './support/db.js';
import { launchBrowser, closeServer } from './e2e/browser.js';
import { PASSWORD } from './support/app.js';

// Single sign-on end to end: a real OpenID Connect provider (oidc-provider) on loopback,
// the real app, and a real browser going through the provider's sign-in pages.

const listenOn = (server: http.Server) => new Promise<number>((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)));

let tdb: TestDb;
let appServer: http.Server;
let opServer: http.Server;
let browser: Browser;
let base: string;

beforeAll(async () => {
  tdb = await createTestDb();
  let handler: http.RequestListener = (_req, res) => res.end();
  appServer = http.createServer((req, res) => handler(req, res));
  const appPort = await listenOn(appServer);
  base = `http://127.0.0.1:${appPort}`;

  opServer = http.createServer();
  const opPort = await listenOn(opServer);
  const issuer = `http://127.0.0.1:${opPort}`;
  const provider = new Provider(issuer, {
    clients: [{ client_id: 'fgc-data', client_secret: 'a-test-client-secret', redirect_uris: [`${base}/sign-in/sso/callback`] }],
    claims: { openid: ['sub'], email: ['email'], profile: ['name', 'roles'] },
    conformIdTokenClaims: false,
    findAccount: async (_ctx: unknown, id: string) => ({
      accountId: id,
      claims: async () => ({
        sub: id,
        email: `${id}@council.example`,
        name: `SSO ${id}`,
        roles: id.startsWith('lead') ? ['FGC.DataLead'] : id.startsWith('coord') ? ['FGC.Coordinator', 'Other.App'] : ['Unrelated'],
      }),
    }),
    features: { devInteractions: { enabled: true } },
  } as unknown as ConstructorParameters<typeof Provider>[1]);
  opServer.on('request', provider.callback());

  const settings = oidcSettingsFromEnv({
    OIDC_ISSUER: issuer, OIDC_CLIENT_ID: 'fgc-data', OIDC_CLIENT_SECRET: 'a-test-client-secret', OIDC_CALLBACK_URL: `${base}/sign-in/sso/callback`,
    OIDC_ROLE_MAP: 'FGC.Coordinator=coordinator,FGC.Manager=manager,FGC.DataLead=data_lead', OIDC_ALLOW_HTTP: 'true',
  })!;
  const oidc = { settings, configuration: await discoverOidc(settings) };
  const config = loadConfig({ NODE_ENV: 'test', DATABASE_FILE: ':memory:' });
  handler = createApp(createServices(tdb.db, config, createLogger('silent'), oidc));
  await createUser(tdb.db, { email: 'breakglass@council.example', name: 'Break Glass', role: 'admin', password: PASSWORD });
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await closeServer(appServer);
  await closeServer(opServer);
  await tdb.destroy();
});

async function ssoSignIn(login: string) {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(`${base}/sign-in`);
  await page.getByRole('button', { name: 'Sign in with your council account' }).click();
  await page.locator('input[name="login"]').fill(login);
  await page.locator('input[name="password"]').fill('anything');
  await page.locator('button[type="submit"]').click();
  // the provider asks for consent the first time
  const consent = page.locator('button[type="submit"]', { hasText: /continue/i });
  if (await consent.count()) await consent.click();
  await page.waitForLoadState('networkidle');
  return { context, page };
}

describe('single sign-on with an OpenID Connect provider', () => {
  it('signs a new user in, creating the account with the role from the claim', async () => {
    const { context, page } = await ssoSignIn('lead-sam');
    expect(new URL(page.url()).pathname).toBe('/cases');
    expect(await page.getByRole('link', { name: 'Annual return' }).count()).toBe(1);
    const user = await tdb.db('users').where({ email: 'lead-sam@council.example' }).first();
    expect(user).toMatchObject({ role: 'data_lead', name: 'SSO lead-sam', password_hash: null });
    expect(await tdb.db('audit_log').where({ user_id: user.id, action: 'sign-in' })).toHaveLength(1);
    await context.close();
  });

  it('follows the claim when the role changes at the provider', async () => {
    await createUser(tdb.db, { email: 'coord-kim@council.example', name: 'Kim', role: 'manager', password: null });
    const { context, page } = await ssoSignIn('coord-kim');
    expect(new URL(page.url()).pathname).toBe('/cases');
    expect((await tdb.db('users').where({ email: 'coord-kim@council.example' }).first()).role).toBe('coordinator');
    expect(await page.getByRole('link', { name: 'Insight' }).count()).toBe(0);
    await context.close();
  });

  it('refuses an account whose claims give no role here, and a deactivated account', async () => {
    const { context, page } = await ssoSignIn('visitor');
    expect(new URL(page.url()).pathname).toBe('/sign-in');
    expect(await page.getByText('Your council account has no role in this service').count()).toBeGreaterThan(0);
    expect(await tdb.db('users').where({ email: 'visitor@council.example' })).toHaveLength(0);
    await context.close();
    await tdb.db('users').where({ email: 'lead-sam@council.example' }).update({ active: false });
    const again = await ssoSignIn('lead-sam');
    expect(await again.page.getByText('Your account has been deactivated').count()).toBeGreaterThan(0);
    await again.context.close();
  });

  it('keeps local accounts for break-glass administrators', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${base}/sign-in`);
    await page.getByLabel('Email address').fill('breakglass@council.example');
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    expect(new URL(page.url()).pathname).toBe('/admin/users');
    await context.close();
  });
});

describe('role claims', () => {
  it('maps claim values to the highest matching role', () => {
    const settings = { roleClaim: 'roles', roleMap: parseRoleMap('A=coordinator, B=manager,C=admin') };
    expect(roleFromClaims({ roles: ['A', 'B'] }, settings)).toBe('manager');
    expect(roleFromClaims({ roles: 'C' }, settings)).toBe('admin');
    expect(roleFromClaims({ roles: ['Z'] }, settings)).toBeNull();
    expect(roleFromClaims({}, settings)).toBeNull();
    expect(() => parseRoleMap('A=superuser')).toThrow(/OIDC_ROLE_MAP/);
  });
});
