import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import express from 'express';
import request from 'supertest';
import { createTestDb, type TestDb } from './support/db.js';
import { longWriteTransaction, longWriteUnderWay, savesWait, writesAllowed } from '../db/long-write.js';

// The long write (a large import) on SQLite: its own connection; saves (requests that may
// write) wait for it before their handlers run, asynchronously; reads never wait. Always on a
// SQLite file (the pause is SQLite's); test/import-beside-others.test.ts covers both
// databases through the real app.

let tdb: TestDb;
beforeAll(async () => {
  tdb = await createTestDb({ sqlite: true });
});
afterAll(async () => tdb.destroy());

const event = (action: string) => ({ at: new Date().toISOString(), user_id: null, action, entity: 'test' });
const count = async (action: string) => Number((await tdb.db('audit_log').where({ action }).count({ n: '*' }).first())!.n);

function later() {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

/** A small app as the real one is wired: saves wait while a long write is under way. */
function appWith(routes: (app: express.Express) => void) {
  const app = express();
  app.use(savesWait(tdb.db));
  app.get('/count/:action', async (req, res) => {
    res.json({ n: await count(req.params.action) });
  });
  app.post('/save/:action', async (req, res) => {
    await tdb.db('audit_log').insert(event(req.params.action));
    res.status(201).end();
  });
  routes(app);
  return app;
}

const answered = <T>(p: Promise<T>) => {
  const t = { done: false, value: p };
  p.finally(() => (t.done = true)).catch(() => undefined);
  return t;
};
const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('longWriteTransaction on SQLite', () => {
  it('lets pages read while it writes; a save waits for its commit, then goes through', async () => {
    const { db } = tdb;
    const app = appWith(() => undefined);
    const inside = later();
    const finish = later();
    const long = longWriteTransaction(db, async (trx) => {
      await trx('audit_log').insert(event('long'));
      inside.resolve();
      await finish.promise;
      return 'done';
    });
    await inside.promise;
    expect(longWriteUnderWay(db)).toBe(true);

    // A page: answered, without the uncommitted write.
    expect((await request(app).get('/count/long')).body).toEqual({ n: 0 });
    // A save, and a write outside any request: they wait (without freezing the process)…
    const save = answered(request(app).post('/save/app save').then((r) => r.status));
    const background = answered(writesAllowed(db).then(() => db('audit_log').insert(event('background'))));
    await pause(150);
    expect([save.done, background.done]).toEqual([false, false]);
    expect((await request(app).get('/count/app save')).body).toEqual({ n: 0 });

    // … until the long write commits.
    finish.resolve();
    expect(await long).toBe('done');
    expect(await save.value).toBe(201);
    await background.value;
    expect([await count('long'), await count('app save'), await count('background')]).toEqual([1, 1, 1]);
    expect(longWriteUnderWay(db)).toBe(false);
  });

  it('starts only once the saves under way have ended, and its own request does not wait for itself', async () => {
    const { db } = tdb;
    const release = later();
    const order: string[] = [];
    const app = appWith((a) => {
      a.post('/slow-save', async (_req, res) => {
        await db.transaction(async (t) => {
          await t('audit_log').insert(event('slow save'));
          await release.promise;
        });
        order.push('save committed');
        res.status(201).end();
      });
      a.post('/import', async (_req, res) => {
        await db('audit_log').insert(event('before import')); // the request's own writes, before…
        await longWriteTransaction(db, async (trx) => {
          order.push('long began');
          await trx('audit_log').insert(event('import'));
        });
        await db('audit_log').insert(event('after import')); // … and after
        res.status(201).end();
      });
    });
    const slow = request(app).post('/slow-save').then((r) => r.status);
    await pause(50);
    const imported = request(app).post('/import').then((r) => r.status);
    await pause(150);
    expect(order).toEqual([]);
    release.resolve();
    expect(await Promise.all([slow, imported])).toEqual([201, 201]);
    expect(order).toEqual(['save committed', 'long began']);
    expect([await count('slow save'), await count('before import'), await count('import'), await count('after import')]).toEqual([1, 1, 1, 1]);
  });

  it('leaves nothing behind when it fails, and saving goes on', async () => {
    const { db } = tdb;
    await expect(longWriteTransaction(db, async (trx) => {
      await trx('audit_log').insert(event('failed long'));
      throw new Error('the import went wrong');
    })).rejects.toThrow('the import went wrong');
    expect(await count('failed long')).toBe(0);
    expect(longWriteUnderWay(db)).toBe(false);
    expect((await request(appWith(() => undefined)).post('/save/after')).status).toBe(201);
    expect(await count('after')).toBe(1);
  });

  it('refuses at once, rather than waiting for itself, a write outside its transaction made from inside it', async () => {
    const { db } = tdb;
    await expect(longWriteTransaction(db, async (trx) => {
      await trx('audit_log').insert(event('inside'));
      await writesAllowed(db); // as auditEvent(db, …) would: should have been trx
      await db('audit_log').insert(event('beside'));
    })).rejects.toThrow(/from inside a long write/);
    expect([await count('inside'), await count('beside')]).toEqual([0, 0]);
  });

  it('waits (without freezing the process) for another connection’s write lock', async () => {
    const { db } = tdb;
    const Database = (await import('better-sqlite3')).default;
    const other = new Database(tdb.options.sqliteFile!);
    other.exec('begin immediate');
    let ticks = 0;
    const timer = setInterval(() => ticks++, 10);
    const long = longWriteTransaction(db, async (trx) => trx('audit_log').insert(event('after the lock')));
    await pause(300);
    expect(ticks).toBeGreaterThan(5); // the event loop turned while the long write waited
    expect(await count('after the lock')).toBe(0);
    other.exec('commit');
    other.close();
    await long;
    clearInterval(timer);
    expect(await count('after the lock')).toBe(1);
  });
});
