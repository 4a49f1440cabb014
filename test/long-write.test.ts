import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, type TestDb } from './support/db.js';
import { longWriteTransaction } from '../db/connection.js';
import { writeGateOf } from '../db/write-gate.js';

// The long write (a large import) on SQLite: its own connection, the app connection's
// writes held at the write gate until it ends, reads never. Always on a SQLite file (the
// gate is SQLite's); test/import-beside-others.test.ts covers both databases through the app.

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

describe('longWriteTransaction on SQLite', () => {
  it('lets the app connection read while it writes; the app’s writes wait for its commit, then succeed', async () => {
    const { db } = tdb;
    const inside = later();
    const finish = later();
    const long = longWriteTransaction(db, async (trx) => {
      await trx('audit_log').insert(event('long'));
      inside.resolve();
      await finish.promise;
      return 'done';
    });
    await inside.promise;
    expect(writeGateOf(db)!.closed).toBe(true);

    // Reads on the app connection: answered, and they do not see the uncommitted write.
    expect(await count('long')).toBe(0);
    // A write and a transaction on the app connection wait (without freezing the process)…
    let wrote = false;
    const write = db('audit_log').insert(event('app write')).then(() => (wrote = true));
    let transacted = false;
    const trx = db.transaction(async (t) => {
      await t('audit_log').insert(event('app transaction'));
    }).then(() => (transacted = true));
    await new Promise((r) => setTimeout(r, 100));
    expect([wrote, transacted]).toEqual([false, false]);
    expect(await count('app write')).toBe(0);

    // … until the long write commits.
    finish.resolve();
    expect(await long).toBe('done');
    await Promise.all([write, trx]);
    expect(await count('long')).toBe(1);
    expect(await count('app write')).toBe(1);
    expect(await count('app transaction')).toBe(1);
    expect(writeGateOf(db)!.closed).toBe(false);
  });

  it('starts only once a transaction under way on the app connection has ended', async () => {
    const { db } = tdb;
    const release = later();
    const order: string[] = [];
    const app = db.transaction(async (t) => {
      await t('audit_log').insert(event('first'));
      await release.promise;
      order.push('app committed');
    });
    await new Promise((r) => setTimeout(r, 20));
    const long = longWriteTransaction(db, async (trx) => {
      order.push('long began');
      await trx('audit_log').insert(event('second'));
    });
    await new Promise((r) => setTimeout(r, 100));
    expect(order).toEqual([]);
    release.resolve();
    await Promise.all([app, long]);
    expect(order).toEqual(['app committed', 'long began']);
    expect([await count('first'), await count('second')]).toEqual([1, 1]);
  });

  it('leaves nothing behind when it fails, and opens the gate again', async () => {
    const { db } = tdb;
    await expect(longWriteTransaction(db, async (trx) => {
      await trx('audit_log').insert(event('failed long'));
      throw new Error('the import went wrong');
    })).rejects.toThrow('the import went wrong');
    expect(await count('failed long')).toBe(0);
    expect(writeGateOf(db)!.closed).toBe(false);
    await db('audit_log').insert(event('after'));
    expect(await count('after')).toBe(1);
  });

  it('refuses at once, rather than waiting for itself, a write on the app connection made from inside it', async () => {
    const { db } = tdb;
    await expect(longWriteTransaction(db, async (trx) => {
      await trx('audit_log').insert(event('inside'));
      await db('audit_log').insert(event('beside')); // should have been trx
    })).rejects.toThrow(/from inside a long write/);
    expect([await count('inside'), await count('beside')]).toEqual([0, 0]);
    await db('audit_log').insert(event('beside'));
    expect(await count('beside')).toBe(1);
  });

  it('waits (without freezing the process) for another connection’s write lock', async () => {
    const { db } = tdb;
    const Database = (await import('better-sqlite3')).default;
    const other = new Database(tdb.options.sqliteFile!);
    other.exec('begin immediate');
    let ticks = 0;
    const timer = setInterval(() => ticks++, 10);
    const long = longWriteTransaction(db, async (trx) => trx('audit_log').insert(event('after the lock')));
    await new Promise((r) => setTimeout(r, 300));
    expect(ticks).toBeGreaterThan(5); // the event loop turned while the long write waited
    expect(await count('after the lock')).toBe(0);
    other.exec('commit');
    other.close();
    await long;
    clearInterval(timer);
    expect(await count('after the lock')).toBe(1);
  });
});
