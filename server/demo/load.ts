// Writes generated demo data to the database: one transaction (all or nothing), large
// multi-row inserts with explicit ids (no RETURNING), parents flushed before children.

import type { Knex } from 'knex';
import { isPostgres } from '../../db/connection.js';
import { todayIso } from '../common/dates.js';
import {
  demoRefPrefix,
  generateDemo,
  type DeliberateProblem,
  type DemoCoordinator,
  type DuplicatePair,
} from './generate.js';

export interface LoadDemoOptions {
  referrals: number;
  seed: string | number;
  /** reference 'today' (YYYY-MM-DD); default today */
  today?: string;
  years?: number;
  /** add to a database that already holds referrals */
  append?: boolean;
  problemRate?: number;
  duplicateRate?: number;
  /** called after each batch of referrals is written */
  onProgress?: (written: LoadCounts) => void;
}

export interface LoadCounts {
  families: number;
  children: number;
  childDisabilities: number;
  referrals: number;
  referralChildren: number;
  planContent: number;
  reviews: number;
}

export interface LoadDemoResult extends LoadCounts {
  refPrefix: string;
  today: string;
  coordinators: number;
  coordinatorsCreated: number;
  problems: DeliberateProblem[];
  duplicates: DuplicatePair[];
  seconds: number;
}

/** The database is not in a state to take demo data (it already has referrals, or this seed's refs). */
export class DemoRefusedError extends Error {}

/** Demo coordinators: accounts that cannot sign in (no password), reused when present. */
export const DEMO_COORDINATORS: { email: string; name: string; team: string }[] = [
  ['Sam Okafor', 'North team'], ['Ruth Ellis', 'North team'], ['Dev Sharma', 'North team'], ['Kerry Walsh', 'North team'],
  ['Amina Yusuf', 'South team'], ['Gareth Price', 'South team'], ['Lucy Chen', 'South team'], ['Tom Hargreaves', 'South team'],
  ['Joy Mensah', 'Pre-proceedings team'], ['Mark Doyle', 'Pre-proceedings team'], ['Priya Nair', 'Pre-proceedings team'],
  ['Helen Rowe', 'Pre-proceedings team'],
].map(([name, team], i) => ({ email: `coordinator${i + 1}@demo.invalid`, name, team }));

type TableKey = keyof LoadCounts;

// Insert order: a table is flushed only after the tables its rows point at.
const TABLES: { key: TableKey; table: string; parents: TableKey[] }[] = [
  { key: 'families', table: 'families', parents: [] },
  { key: 'children', table: 'children', parents: ['families'] },
  { key: 'childDisabilities', table: 'child_disabilities', parents: ['children'] },
  { key: 'referrals', table: 'referrals', parents: ['families'] },
  { key: 'referralChildren', table: 'referral_children', parents: ['referrals', 'children'] },
  { key: 'planContent', table: 'referral_plan_content', parents: ['referrals'] },
  { key: 'reviews', table: 'review_conferences', parents: ['referrals'] },
];
const SERIAL_TABLES = ['families', 'children', 'referrals', 'review_conferences'];

/** SQLite's default SQLITE_MAX_VARIABLE_NUMBER is 32766: multi-row VALUES chunks stay under it. */
const SQLITE_MAX_PARAMS = 32_766;
/**
 * On PostgreSQL each chunk is one statement with one array parameter per column
 * (insert … select * from unnest($1::int4[], …)), far cheaper to parse and plan than a
 * VALUES list of 65535 parameters; so the chunk is limited only by memory.
 */
const PG_CHUNK_ROWS = 10_000;

export async function ensureDemoCoordinators(trx: Knex | Knex.Transaction): Promise<{ coordinators: DemoCoordinator[]; created: number }> {
  const emails = DEMO_COORDINATORS.map((c) => c.email);
  const existing = new Set((await trx('users').whereIn('email', emails).select('email')).map((u: { email: string }) => u.email));
  const at = new Date().toISOString();
  const missing = DEMO_COORDINATORS.filter((c) => !existing.has(c.email)).map((c) => ({
    email: c.email, name: c.name, role: 'coordinator', team: c.team, password_hash: null, active: true, failed_attempts: 0, created_at: at,
  }));
  if (missing.length) await trx('users').insert(missing);
  const rows: { id: number | string; team: string | null }[] = await trx('users').whereIn('email', emails).orderBy('id').select('id', 'team');
  return { coordinators: rows.map((r) => ({ id: Number(r.id), team: r.team })), created: missing.length };
}

async function nextId(trx: Knex.Transaction, table: string): Promise<number> {
  const row = await trx(table).max({ m: 'id' }).first();
  return Number(row?.m ?? 0) + 1;
}

/**
 * Generates and writes demo data. Refuses (DemoRefusedError) when the database already
 * holds referrals, unless `append`; refuses also when this seed's refs are already there.
 */
export async function loadDemoData(db: Knex, options: LoadDemoOptions): Promise<LoadDemoResult> {
  const started = performance.now();
  const pg = isPostgres(db);
  const refPrefix = demoRefPrefix(options.seed);
  const today = options.today ?? todayIso();
  const counts: LoadCounts = { families: 0, children: 0, childDisabilities: 0, referrals: 0, referralChildren: 0, planContent: 0, reviews: 0 };
  const problems: DeliberateProblem[] = [];
  const duplicates: DuplicatePair[] = [];
  let coordinatorCount = 0;
  let coordinatorsCreated = 0;

  await db.transaction(async (trx) => {
    if (pg) {
      // explicit ids: keep other writers from drawing the same ids until the sequences are moved on
      await trx.raw(`lock table ${SERIAL_TABLES.join(', ')} in share row exclusive mode`);
    }
    const existing = Number((await trx('referrals').count({ n: '*' }).first())?.n ?? 0);
    if (existing > 0 && !options.append) {
      throw new DemoRefusedError(
        `The database already holds ${existing} referrals, so no demo data was written. ` +
          'Use --append to add demo data beside them, or point at an empty database.',
      );
    }
    const taken = await trx('families').where('family_ref', 'like', `${refPrefix}%`).first('id')
      ?? await trx('referrals').where('referral_ref', 'like', `${refPrefix}%`).first('id')
      ?? await trx('children').where('child_ref', 'like', `${refPrefix}%`).first('id');
    if (taken) {
      throw new DemoRefusedError(
        `Demo data for seed ${options.seed} (references starting ${refPrefix}) is already in this database. Use a different --seed.`,
      );
    }

    const { coordinators, created } = await ensureDemoCoordinators(trx);
    coordinatorCount = coordinators.length;
    coordinatorsCreated = created;
    const startIds = {
      family: await nextId(trx, 'families'),
      child: await nextId(trx, 'children'),
      referral: await nextId(trx, 'referrals'),
      review: await nextId(trx, 'review_conferences'),
    };

    const buffers = new Map<TableKey, Record<string, unknown>[]>(TABLES.map((t) => [t.key, []]));
    const columns = new Map<TableKey, string[]>();
    const chunkSize = new Map<TableKey, number>();
    const sqlCache = new Map<string, string>();

    // PostgreSQL column types, for the unnest casts
    const pgTypes = new Map<string, string>();
    if (pg) {
      const rows: { table_name: string; column_name: string; udt_name: string }[] = await trx('information_schema.columns')
        .whereIn('table_name', TABLES.map((t) => t.table))
        .andWhereRaw('table_schema = current_schema()')
        .select('table_name', 'column_name', 'udt_name');
      for (const r of rows) pgTypes.set(`${r.table_name}.${r.column_name}`, r.udt_name);
    }

    const flush = async (key: TableKey): Promise<void> => {
      const spec = TABLES.find((t) => t.key === key)!;
      for (const parent of spec.parents) await flush(parent);
      const rows = buffers.get(key)!;
      if (!rows.length) return;
      buffers.set(key, []);
      const cols = columns.get(key)!;
      const columnList = cols.map((c) => `"${c}"`).join(',');
      if (pg) {
        const casts = cols.map((c) => `?::${pgTypes.get(`${spec.table}.${c}`) ?? 'text'}[]`).join(',');
        const arrays = cols.map((c) => rows.map((r) => r[c] ?? null));
        await trx.raw(`insert into "${spec.table}" (${columnList}) select * from unnest(${casts})`, arrays as Knex.RawBinding[]);
      } else {
        const cacheKey = `${key}:${rows.length}`;
        let sql = sqlCache.get(cacheKey);
        if (!sql) {
          const tuple = `(${cols.map(() => '?').join(',')})`;
          sql = `insert into "${spec.table}" (${columnList}) values ${Array(rows.length).fill(tuple).join(',')}`;
          if (rows.length === chunkSize.get(key)) sqlCache.set(cacheKey, sql);
        }
        const bindings: unknown[] = new Array(rows.length * cols.length);
        let i = 0;
        for (const row of rows) for (const c of cols) bindings[i++] = row[c] ?? null;
        await trx.raw(sql, bindings as Knex.RawBinding[]);
      }
      counts[key] += rows.length;
      if (key === 'referrals') options.onProgress?.({ ...counts });
    };

    const generator = generateDemo({
      referrals: options.referrals,
      seed: options.seed,
      today,
      years: options.years,
      refPrefix,
      startIds,
      coordinators,
      problemRate: options.problemRate,
      duplicateRate: options.duplicateRate,
    });
    for (const bundle of generator) {
      for (const { key } of TABLES) {
        const rows = bundle[key] as unknown as Record<string, unknown>[];
        if (!rows.length) continue;
        if (!columns.has(key)) {
          const cols = Object.keys(rows[0]);
          columns.set(key, cols);
          chunkSize.set(key, pg ? PG_CHUNK_ROWS : Math.floor(SQLITE_MAX_PARAMS / cols.length));
        }
        const buffer = buffers.get(key)!;
        for (const r of rows) buffer.push(r);
        if (buffer.length >= chunkSize.get(key)!) {
          // a full chunk: write it (and whatever its parents have waiting) now
          const overflow = buffer.splice(chunkSize.get(key)!);
          await flush(key);
          buffers.get(key)!.push(...overflow);
        }
      }
      problems.push(...bundle.problems);
      duplicates.push(...bundle.duplicates);
    }
    for (const { key } of TABLES) await flush(key);

    if (pg) {
      for (const table of SERIAL_TABLES) {
        await trx.raw(`select setval(pg_get_serial_sequence(?, 'id'), m) from (select max(id) as m from ??) t where m is not null`, [table, table]);
      }
    }

    const summary =
      `Demo data, seed ${options.seed}, references ${refPrefix}…, reference date ${today}: ` +
      `${counts.families} families, ${counts.children} children, ${counts.referrals} referrals ` +
      `(${problems.length} with deliberate data-quality problems, ${duplicates.length} duplicate children)` +
      `${options.append ? ', appended' : ''}`;
    await trx('audit_log').insert({ at: new Date().toISOString(), user_id: null, action: 'demo-data', entity: 'database', new_value: summary });
  });

  return {
    ...counts,
    refPrefix,
    today,
    coordinators: coordinatorCount,
    coordinatorsCreated,
    problems,
    duplicates,
    seconds: (performance.now() - started) / 1000,
  };
}
