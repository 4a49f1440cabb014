import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Knex } from 'knex';
import { createDb } from '../db/connection.js';
import { selectArrays } from '../server/common/array-rows.js';

// The SQLite connection reuses compiled statements: a reused one must behave as a fresh one.
describe('SQLite statement reuse', () => {
  let db: Knex;
  let dir: string;
  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'stmt-cache-'));
    db = createDb({ sqliteFile: path.join(dir, 'db.sqlite') });
    await db.schema.createTable('t', (t) => { t.integer('id'); t.string('name'); });
    await db('t').insert([{ id: 1, name: 'a' }, { id: 2, name: 'b' }]);
  });
  afterAll(async () => {
    await db.destroy();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('returns row objects after the same query was read as arrays, and arrays after objects', async () => {
    const q = () => db('t').select('id', 'name').orderBy('id');
    expect(await selectArrays(db, q())).toEqual([[1, 'a'], [2, 'b']]);
    expect(await q()).toEqual([{ id: 1, name: 'a' }, { id: 2, name: 'b' }]);
    expect(await selectArrays(db, q())).toEqual([[1, 'a'], [2, 'b']]);
  });

  it('sees schema changes and new rows through a reused statement', async () => {
    const all = () => db('t').select('*').orderBy('id');
    expect(await all()).toEqual([{ id: 1, name: 'a' }, { id: 2, name: 'b' }]);
    await db.schema.alterTable('t', (t) => t.integer('extra'));
    await db('t').insert({ id: 3, name: 'c', extra: 7 });
    expect(await all()).toEqual([{ id: 1, name: 'a', extra: null }, { id: 2, name: 'b', extra: null }, { id: 3, name: 'c', extra: 7 }]);
  });

  it('runs a query nested inside an iteration of the same statement', async () => {
    const sql = 'select id from t order by id';
    const conn = await (db.client as any).acquireConnection();
    try {
      const seen: number[][] = [];
      for (const row of conn.prepare(sql).iterate()) seen.push([row.id, conn.prepare(sql).all().length]);
      expect(seen).toEqual([[1, 3], [2, 3], [3, 3]]);
    } finally {
      await (db.client as any).releaseConnection(conn);
    }
  });
});
