import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import knexFactory from 'knex';
import { createDb, migrateLatest, type Db } from '../../db/connection.js';

export interface TestDb {
  db: Db;
  /** what createDb was given, so a second connection (or a child process) can reach the same database */
  options: { databaseUrl?: string; sqliteFile?: string };
  destroy(): Promise<void>;
}

/**
 * A fresh, migrated database for one test file: a new SQLite file, or, when
 * DATABASE_URL is set, a new PostgreSQL database on that server (dropped afterwards).
 * `sqlite: true` asks for a SQLite file whatever DATABASE_URL says (for SQLite-only
 * features such as the online backup).
 */
export async function createTestDb({ migrate = true, sqlite = false } = {}): Promise<TestDb> {
  const url = sqlite ? undefined : process.env.DATABASE_URL;
  const name = `fgc_t_${process.pid}_${crypto.randomBytes(4).toString('hex')}`;
  if (url) {
    const admin = knexFactory({ client: 'pg', connection: url, pool: { min: 0, max: 1 } });
    await admin.raw(`create database ${name}`);
    const u = new URL(url);
    u.pathname = `/${name}`;
    const options = { databaseUrl: u.toString() };
    const db = createDb(options);
    if (migrate) await migrateLatest(db);
    return {
      db,
      options,
      async destroy() {
        await db.destroy();
        await admin.raw(`drop database if exists ${name} with (force)`);
        await admin.destroy();
      },
    };
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fgc-test-'));
  const options = { sqliteFile: path.join(dir, `${name}.sqlite`) };
  const db = createDb(options);
  if (migrate) await migrateLatest(db);
  return {
    db,
    options,
    async destroy() {
      await db.destroy();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
