import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { createDb, isPostgres, type Db } from '../db/connection.js';
import { prepared, prepareMarkedQueries } from '../db/prepared-statements.js';
import { createTestDb, type TestDb } from './support/db.js';
import { loadFamily } from '../server/cases/families-repository.js';
import { seedFamily } from './support/cases.js';
import { loadConfig } from '../server/config.js';

// Queries marked prepared() run as prepared statements on PostgreSQL (db/prepared-statements.ts),
// and unchanged on SQLite.

let t: TestDb;
let oneConnection: Db; // every query on one connection, so its prepared statements can be listed
let familyId: number;
beforeAll(async () => {
  t = await createTestDb();
  oneConnection = createDb({ ...t.options, poolMax: 1 });
  familyId = (await seedFamily(t.db, 'PREP-1', [{ first_name: 'Pip' }])).familyId;
});
afterAll(async () => {
  await oneConnection.destroy();
  await t.destroy();
});

const preparedOn = async (db: Db): Promise<string[]> =>
  (await db.raw('select statement from pg_prepared_statements order by prepare_time')).rows.map((r: { statement: string }) => r.statement);

describe('prepared()', () => {
  it('runs a marked lookup as one prepared statement per connection on PostgreSQL, and as before on SQLite', async () => {
    const q = prepared(t.db('families').select('id').where({ id: familyId }));
    expect(await q).toEqual([{ id: familyId }]);
    if (!isPostgres(t.db)) {
      expect(q.toSQL().toNative()).toEqual(t.db('families').select('id').where({ id: familyId }).toSQL().toNative());
      return;
    }
    for (let i = 0; i < 3; i++) expect((await loadFamily(oneConnection, familyId))!.family_ref).toBe('PREP-1');
    const statements = await preparedOn(oneConnection);
    expect(statements.filter((s) => s.includes('from "families"'))).toHaveLength(1);
    // an unmarked query is not kept
    await oneConnection('families').select('family_ref').where({ id: familyId });
    expect(await preparedOn(oneConnection)).toEqual(statements);
  });
});

describe('DATABASE_PREPARED_STATEMENTS', () => {
  it('is on unless set to false, and when off a marked query runs unprepared', async () => {
    const config = (env: Record<string, string>) => loadConfig({ DATABASE_FILE: ':memory:', ...env } as NodeJS.ProcessEnv);
    expect(config({}).preparedStatements).toBe(true);
    expect(config({ DATABASE_PREPARED_STATEMENTS: 'false' }).preparedStatements).toBe(false);
    expect(() => config({ DATABASE_PREPARED_STATEMENTS: 'no' })).toThrow();
    const off = createDb({ ...t.options, poolMax: 1, preparedStatements: false });
    try {
      expect((await loadFamily(off, familyId))!.family_ref).toBe('PREP-1');
      if (isPostgres(off)) expect(await preparedOn(off)).toEqual([]);
    } finally {
      await off.destroy();
    }
  });
});

describe('prepareMarkedQueries (a pg connection)', () => {
  let client: pg.Client | undefined;
  const run = (text: string, values: unknown[] = []) =>
    new Promise<pg.QueryResult>((resolve, reject) => client!.query({ text, values, prepare: true } as any, ((err: Error | null, res: pg.QueryResult) => (err ? reject(err) : resolve(res))) as any));
  const listed = async () => (await client!.query('select statement from pg_prepared_statements order by prepare_time')).rows.map((r) => r.statement);

  beforeAll(async () => {
    if (!t.options.databaseUrl) return;
    client = new pg.Client(t.options.databaseUrl);
    await client.connect();
    prepareMarkedQueries(client as any, 3);
  });
  afterAll(() => client?.end());

  it('keeps at most the given number of statements, dropping the least recently used (PostgreSQL; SQLite keeps its own)', async () => {
    if (!client) {
      expect(isPostgres(t.db)).toBe(false);
      return;
    }
    for (const n of [1, 2, 3]) expect((await run(`select ${n} as n, $1::int as v`, [n])).rows).toEqual([{ n, v: n }]);
    await run('select 1 as n, $1::int as v', [9]); // used again: now the most recent
    await run('select 4 as n, $1::int as v', [4]);
    await client.query('select 1'); // the dropped statement's deallocate has run before this
    expect(await listed()).toEqual(['select 1 as n, $1::int as v', 'select 3 as n, $1::int as v', 'select 4 as n, $1::int as v']);
    // a dropped statement is prepared again when asked for
    expect((await run('select 2 as n, $1::int as v', [2])).rows).toEqual([{ n: 2, v: 2 }]);
  });

  it('runs a statement again unprepared when its table has changed shape since it was prepared', async () => {
    if (!client) {
      expect(isPostgres(t.db)).toBe(false);
      return;
    }
    await client.query('create table prep_shape (a int)');
    await client.query('insert into prep_shape values (1)');
    expect((await run('select * from prep_shape where a = $1', [1])).rows).toEqual([{ a: 1 }]);
    await client.query('alter table prep_shape add column b int default 2');
    expect((await run('select * from prep_shape where a = $1', [1])).rows).toEqual([{ a: 1, b: 2 }]);
    expect((await run('select * from prep_shape where a = $1', [1])).rows).toEqual([{ a: 1, b: 2 }]);
  });
});
