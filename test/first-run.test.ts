import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import request from 'supertest';
import { createApp } from '../server/app.js';
import { createServices } from '../server/services.js';
import { loadConfig } from '../server/config.js';
import { createLogger } from '../server/logger.js';
import { createTestDb, type TestDb } from './support/db.js';
import { csrfFrom } from './support/app.js';

let tdb: TestDb;
let app: ReturnType<typeof createApp>;
beforeAll(async () => {
  tdb = await createTestDb();
  app = createApp(createServices(tdb.db, loadConfig({ NODE_ENV: 'test', DATABASE_FILE: ':memory:' }), createLogger('silent')));
});
afterAll(() => tdb.destroy());

describe('first-run page on an empty database', () => {
  it('validates, then creates one administrator, then closes', async () => {
    const agent = request.agent(app);
    // with no account, the sign-in page points to first run
    const signIn = await agent.get('/sign-in');
    expect(signIn.text).toContain('This service has no accounts yet');
    expect(signIn.text).toContain('href="/first-run"');
    const page = await agent.get('/first-run');
    expect(page.status).toBe(200);
    const token = csrfFrom(page.text);
    const bad = await agent.post('/first-run').type('form').send({ _csrf: token, name: '', email: 'not-an-email', password: 'short' });
    expect(bad.status).toBe(400);
    expect(bad.text).toContain('Enter your full name');
    expect(bad.text).toContain('Enter an email address in the correct format');
    expect(bad.text).toContain('Password must be 12 characters or more');
    expect(await tdb.db('users')).toHaveLength(0);
    const ok = await agent.post('/first-run').type('form').send({ _csrf: token, name: 'Ada Admin', email: 'Ada@Council.example', password: 'a long enough password' });
    expect(ok.status).toBe(302);
    expect(ok.headers.location).toBe('/sign-in?first-run=1');
    const after = await agent.get(ok.headers.location);
    expect(after.text).toContain('The administrator account has been created');
    expect(after.text).not.toContain('This service has no accounts yet');
    expect((await agent.get('/sign-in?first-run=1')).text).toContain('govuk-notification-banner--success');
    expect((await agent.get('/sign-in')).text).not.toContain('The administrator account has been created');
    const users = await tdb.db('users');
    expect(users).toHaveLength(1);
    expect(users[0]).toMatchObject({ email: 'ada@council.example', role: 'admin' });
    expect(users[0].password_hash).toMatch(/^\$argon2id\$/);
    expect((await agent.get('/first-run')).status).toBe(302);
  });
});
