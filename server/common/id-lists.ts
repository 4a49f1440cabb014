import type { Knex } from 'knex';
import { isPostgres } from '../../db/connection.js';

/**
 * Narrows `q` to rows whose `column` (a plain or qualified column name) is one of `ids`,
 * with one bound parameter however many ids (an integer array on PostgreSQL, a JSON array on
 * SQLite), so a long list neither hits the databases' limits on parameters nor makes a new
 * statement for each length.
 */
export function whereIdIn(db: Knex, q: Knex.QueryBuilder, column: string, ids: readonly number[]): Knex.QueryBuilder {
  if (isPostgres(db)) return q.whereRaw('?? = any(?::int[])', [column, ids as number[]]);
  return q.whereRaw('?? in (select value from json_each(?))', [column, JSON.stringify(ids)]);
}
