import request from 'supertest';
import type { Express } from 'express';
import { createApp } from '../../server/app.js';
import { createServices, type Services } from '../../server/services.js';
import { loadConfig } from '../../server/config.js';
import { createLogger } from '../../server/logger.js';
import { createUser } from '../../server/auth/users.js';
import type { Role } from '../../server/auth/roles.js';
import { createTestDb, type TestDb } from './db.js';

export const PASSWORD = 'correct horse battery staple';

export interface TestApp {
  app: Express;
  services: Services;
  testDb: TestDb;
  users: Record<Role, { id: number; email: string }>;
  close(): Promise<void>;
}

/** The real app on a fresh database, with one user per role. */
export async function createTestApp(env: Record<string, string> = {}): Promise<TestApp> {
  const testDb = await createTestDb();
  const config = loadConfig({ NODE_ENV: 'test', DATABASE_FILE: ':memory:', SIGN_IN_LOCKOUT_ATTEMPTS: '5', ...env });
  const services = createServices(testDb.db, config, createLogger(process.env.TEST_LOG_LEVEL ?? 'silent'));
  const users = {} as TestApp['users'];
  for (const role of ['coordinator', 'manager', 'data_lead', 'admin'] as Role[]) {
    const email = `${role}@council.example`;
    users[role] = { id: await createUser(testDb.db, { email, name: `Test ${role}`, role, team: 'North team', password: PASSWORD }), email };
  }
  return { app: createApp(services), services, testDb, users, close: () => testDb.destroy() };
}

/** The CSRF token from a page's first form. */
export function csrfFrom(html: string): string {
  const m = /name="_csrf" value="([^"]+)"/.exec(html);
  if (!m) throw new Error('no CSRF token on page');
  return m[1];
}

export type Agent = ReturnType<typeof request.agent> & { csrf: string };

/** A signed-in browser-like agent holding its session cookie and a current CSRF token. */
export async function signIn(app: Express, email: string, password = PASSWORD): Promise<Agent> {
  const agent = request.agent(app) as Agent;
  const page = await agent.get('/sign-in');
  const res = await agent.post('/sign-in').type('form').send({ _csrf: csrfFrom(page.text), email, password });
  if (res.status !== 302) throw new Error(`sign-in failed for ${email}: ${res.status}`);
  const next = await agent.get('/cases');
  const any = next.status === 200 ? next : await agent.get('/admin/users');
  agent.csrf = csrfFrom(any.text);
  return agent;
}

/** Posts a form with the agent's CSRF token. */
export function postForm(agent: Agent, url: string, body: Record<string, unknown>) {
  return agent.post(url).type('form').send({ _csrf: agent.csrf, ...body });
}

/** Day/month/year fields for a date input named `name`. */
export function dateFields(name: string, iso: string | null): Record<string, string> {
  if (!iso) return { [`${name}-day`]: '', [`${name}-month`]: '', [`${name}-year`]: '' };
  const [y, m, d] = iso.split('-');
  return { [`${name}-day`]: String(+d), [`${name}-month`]: String(+m), [`${name}-year`]: y };
}
