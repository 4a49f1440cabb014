import type { Knex } from 'knex';
import { isPostgres } from '../../db/connection.js';

// Bulk reads: rows fetched as arrays of column values (turned into objects of one shape by
// the caller, which V8 handles far faster than driver row objects), and id lists bound as a
// single parameter, however long, so one query replaces a query per chunk of ids.

/** Runs a select and returns its rows as arrays of column values, in select order. */
export async function selectArrays(db: Knex, q: Knex.QueryBuilder): Promise<unknown[][]> {
  if (isPostgres(db)) return (await q.options({ rowMode: 'array' })) as unknown as unknown[][];
  const { sql, bindings } = q.toSQL().toNative();
  const conn = await (db.client as any).acquireConnection();
  try {
    return conn.prepare(sql).raw(true).all(...bindings);
  } finally {
    await (db.client as any).releaseConnection(conn);
  }
}

/**
 * Runs a select and hands each row to `row` as an array of column values, in select order.
 * On SQLite the rows are read one at a time (no array of every row held at once); on
 * PostgreSQL they arrive together.
 */
export async function eachRow(db: Knex, q: Knex.QueryBuilder, row: (values: any[]) => void): Promise<void> {
  if (isPostgres(db)) {
    const rows = (await q.options({ rowMode: 'array' })) as unknown as any[][];
    for (let i = 0; i < rows.length; i++) row(rows[i]);
    return;
  }
  const { sql, bindings } = q.toSQL().toNative();
  const conn = await (db.client as any).acquireConnection();
  try {
    for (const values of conn.prepare(sql).raw(true).iterate(...bindings)) row(values);
  } finally {
    await (db.client as any).releaseConnection(conn);
  }
}

/**
 * Narrows `q` to rows whose `column` (a plain or qualified column name) is one of `ids`,
 * with one bound parameter: an integer array on PostgreSQL, a JSON array on SQLite.
 */
export function whereIdIn(db: Knex, q: Knex.QueryBuilder, column: string, ids: readonly number[]): Knex.QueryBuilder {
  if (isPostgres(db)) return q.whereRaw('?? = any(?::int[])', [column, ids as number[]]);
  return q.whereRaw('?? in (select value from json_each(?))', [column, JSON.stringify(ids)]);
}

/**
 * One copy of each repeated value (codes, dates, family references) for one load: the
 * drivers make a new string for every value of every row, and the whole database repeats a
 * few thousand distinct values a million times. Keeping one copy makes the loaded rows about
 * a third smaller (the copies the driver made die young), for a map lookup per value: worth
 * it where memory is the limit (the whole-database quality run), not where time is.
 */
export function interner() {
  const seen = new Map<string, string>();
  return <T extends string | null>(v: T): T => {
    if (v === null || v === undefined) return v;
    const had = seen.get(v);
    if (had !== undefined) return had as T;
    seen.set(v, v);
    return v;
  };
}
export type Intern = ReturnType<typeof interner>;
