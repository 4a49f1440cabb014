import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, type TestDb } from './support/db.js';
import { migrateDownAll, migrateLatest, isPostgres } from '../db/connection.js';
import { migrationSource } from '../db/migrations/index.js';

let t: TestDb;
beforeAll(async () => {
  t = await createTestDb({ migrate: false });
});
afterAll(() => t.destroy());

async function tables(): Promise<string[]> {
  if (isPostgres(t.db)) {
    const r = await t.db.raw("select tablename from pg_tables where schemaname = 'public'");
    return (r.rows as { tablename: string }[]).map((x) => x.tablename).sort();
  }
  const r = await t.db.raw("select name from sqlite_master where type = 'table' and name not like 'sqlite_%'");
  return (r as { name: string }[]).map((x) => x.name).sort();
}

describe('migrations on an empty database', () => {
  it('go up, down and up again', async () => {
    await migrateLatest(t.db);
    const up = await tables();
    for (const name of ['users', 'sessions', 'families', 'children', 'referrals', 'referral_children', 'audit_log', 'code_lists', 'rate_limits']) {
      expect(up).toContain(name);
    }
    const codes = await t.db('code_lists').count({ n: '*' }).first();
    expect(Number(codes!.n)).toBeGreaterThan(100);
    await migrateDownAll(t.db);
    expect((await tables()).filter((n) => !n.startsWith('knex_'))).toEqual([]);
    await migrateLatest(t.db);
    expect(await tables()).toEqual(up);
  });

  it('014 gives an install that predates it the closure reasons, and its down takes them away', async () => {
    await migrateLatest(t.db);
    const closureCodes = async () => (await t.db('code_lists').where({ list: 'closure_reason' }).orderBy('sort_order')).map((c) => c.code);
    expect(await closureCodes()).toEqual(['PLANDONE', 'FAMWITHDREW', 'PLANBROKE', 'ESCALATED', 'STEPDOWN', 'MOVED', 'OTH']);
    await t.db.migrate.down({ migrationSource, name: '014_closure_reasons' });
    expect(await closureCodes()).toEqual([]);
    expect(await t.db.schema.hasColumn('referrals', 'closure_reason')).toBe(false);
    await migrateLatest(t.db);
    expect(await closureCodes()).toHaveLength(7);
    expect(await t.db.schema.hasColumn('referrals', 'closure_reason')).toBe(true);
  });

  it('enforces foreign keys', async () => {
    const now = new Date().toISOString();
    await expect(t.db('children').insert({ family_id: 999999, child_ref: 'X', created_at: now, updated_at: now })).rejects.toThrow();
  });
});
