import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb, isPostgres, type Db } from '../db/connection.js';
import { createTestDb, type TestDb } from './support/db.js';
import { keptPerRequest, readMarkers, requestMarkers } from '../server/common/change-markers.js';
import { currentCodeLists, loadCodeLists } from '../server/codes/code-lists.js';
import { createUser, currentUsers } from '../server/auth/users.js';

// Kept copies of small tables (server/common/change-markers.ts) and the triggers that mark
// their changes (migration 010), on the database the tests run on.

let t: TestDb;
let other: Db; // a second pool on the same database: what another process would have
beforeAll(async () => {
  t = await createTestDb();
  other = createDb(t.options);
});
afterAll(async () => {
  await other.destroy();
  await t.destroy();
});

describe('change markers', () => {
  it('change on every insert, update and delete of a marked table, and only that table', async () => {
    const steps: [keyof Awaited<ReturnType<typeof readMarkers>>, () => Promise<unknown>][] = [
      ['code_lists', () => t.db('code_lists').insert({ list: 'ethnicity', code: 'MARK1', label: 'Mark', group_label: 'Other', sort_order: 999, retired: false })],
      ['code_lists', () => t.db('code_lists').where({ code: 'MARK1' }).update({ retired: true })],
      ['code_lists', () => t.db('code_lists').where({ code: 'MARK1' }).delete()],
      ['users', () => createUser(t.db, { email: 'marker@council.example', name: 'Marker', role: 'coordinator', password: null })],
      ['users', () => t.db('users').where({ email: 'marker@council.example' }).update({ active: false })],
      ['service_settings', () => t.db('service_settings').insert({ key: 'council_name', value: 'Marked' })],
      ['service_settings', () => t.db('service_settings').where({ key: 'council_name' }).update({ value: 'Marked again' })],
      ['service_settings', () => t.db('service_settings').where({ key: 'council_name' }).delete()],
    ];
    // PostgreSQL's truncate skips row triggers: its trigger is per statement, truncate included
    if (isPostgres(t.db)) steps.push(['service_settings', () => t.db.raw('truncate service_settings')]);
    for (const [table, write] of steps) {
      const before = await readMarkers(other);
      await write();
      const after = await readMarkers(other);
      for (const name of Object.keys(before) as (keyof typeof before)[]) {
        if (name === table) expect(after[name], `${table} after a write`).not.toBe(before[name]);
        else expect(after[name], `${name} after a write to ${table}`).toBe(before[name]);
      }
    }
    expect(await readMarkers(t.db)).toEqual(await readMarkers(other));
  });

  it('do not change when a write is rolled back', async () => {
    const before = await readMarkers(t.db);
    await expect(t.db.transaction(async (trx) => {
      await trx('code_lists').where({ list: 'ethnicity' }).update({ label: trx.raw('label') });
      throw new Error('roll back');
    })).rejects.toThrow('roll back');
    expect(await readMarkers(t.db)).toEqual(before);
  });

});

describe('requestMarkers', () => {
  it('reads once per request, and once for all the requests that arrive while a read is under way', async () => {
    let reads = 0;
    const count = (q: { sql: string }) => {
      if (q.sql.includes('change_markers')) reads++;
    };
    t.db.on('query', count);
    try {
      for (let i = 0; i < 3; i++) await requestMarkers(t.db, {});
      expect(reads).toBe(3);
      reads = 0;
      const together = Array.from({ length: 10 }, () => requestMarkers(t.db, {}));
      const results = await Promise.all(together);
      expect(reads).toBe(2); // the first request's read, then one for the nine that came during it
      expect(new Set(results.map((m) => JSON.stringify(m))).size).toBe(1);
      const request = {};
      expect(requestMarkers(t.db, request)).toBe(requestMarkers(t.db, request));
    } finally {
      t.db.off('query', count);
    }
  });

  it('answers a request that arrives after a change (made anywhere) with markers read after it', async () => {
    const before = await requestMarkers(t.db, {});
    await other('service_settings').insert({ key: 'la_code', value: '201' });
    expect((await requestMarkers(t.db, {})).service_settings).not.toBe(before.service_settings);
  });
});

describe('kept copies', () => {
  it('load once while the marker stands, read the markers once per request, and load again after a change anywhere', async () => {
    let loads = 0;
    const kept = keptPerRequest('code_lists', async (db) => {
      loads++;
      return loadCodeLists(db);
    });
    const first = await kept(t.db, {});
    const request = {};
    expect(await kept(t.db, request)).toBe(first);
    expect(await kept(t.db, request)).toBe(first);
    expect(loads).toBe(1);
    // another pool (another process) changes a list: this pool's next request loads again
    await other('code_lists').insert({ list: 'ethnicity', code: 'MARK2', label: 'Kept mark', group_label: 'Other', sort_order: 998, retired: false });
    expect(await kept(t.db, request)).toBe(first); // the same request keeps the markers it read
    const next = await kept(t.db, {});
    expect(loads).toBe(2);
    expect(next.ethnicity.map((c) => c.code)).toContain('MARK2');
    expect(first.ethnicity.map((c) => c.code)).not.toContain('MARK2');
  });

  it('are kept per database, and cannot be changed by a caller', async () => {
    const lists = await currentCodeLists(t.db, {});
    expect(() => lists.ethnicity.push({ code: 'X', label: 'X' })).toThrow(TypeError);
    expect(() => {
      lists.ethnicity[0].label = 'changed';
    }).toThrow(TypeError);
    const users = await currentUsers(t.db, {});
    const someone = [...users.byId.values()][0];
    expect(() => {
      (someone as { role: string }).role = 'admin';
    }).toThrow(TypeError);
    const elsewhere = await createTestDb();
    try {
      expect(await currentUsers(elsewhere.db, {})).not.toBe(users);
      expect((await currentUsers(elsewhere.db, {})).byId.size).toBe(0);
    } finally {
      await elsewhere.destroy();
    }
  });
});
