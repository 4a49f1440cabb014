// What the insight pages' database counting shares: the period test on a date column, children
// as people (merged records resolved to their survivor, as people.ts does), and running a
// raw query on either database.
import type { Knex } from 'knex';
import { isPostgres } from '../../db/connection.js';
import type { Child } from '../cases/types.js';
import { selectArrays } from '../common/array-rows.js';
import { ALL_TIME } from './common.js';
import { survivorResolver } from './people.js';

/** `column` within the period (computeReturn's inRange: a non-empty date from..to); 'p' binds :from and :to. */
export const within = (column: string, range: 'p' | 'all') =>
  range === 'p' ? `(${column} >= :from and ${column} <= :to)` : `(${column} >= '${ALL_TIME.from}' and ${column} <= '${ALL_TIME.to}')`;

/** Merged child id -> surviving id, for every merged record in the database (few, found by a partial index). */
async function survivors(db: Knex): Promise<[number, number][]> {
  const rows = (await selectArrays(db, db('children').select('id', 'merged_into_id').whereNotNull('merged_into_id'))) as [unknown, unknown][];
  const resolve = survivorResolver(rows.map(([id, into]) => ({ id: Number(id), merged_into_id: Number(into) }) as Child));
  return rows.map(([id]) => [Number(id), resolve(Number(id))]);
}

export interface PersonSql {
  /** joins `m` (merged id -> survivor) onto `rc` (referral_children); empty when nothing is merged */
  join: string;
  /** the child on `rc` as a person: its survivor when merged */
  person: string;
  bindings: Record<string, unknown>;
}

/** SQL for children as people, on the links `rc`. */
export async function personSql(db: Knex): Promise<PersonSql> {
  const merged = await survivors(db);
  if (!merged.length) return { join: '', person: 'rc.child_id', bindings: {} };
  if (isPostgres(db)) {
    return {
      join: 'left join unnest(cast(:mergedIds as int[]), cast(:survivorIds as int[])) as m(id, survivor) on m.id = rc.child_id',
      person: 'coalesce(m.survivor, rc.child_id)',
      bindings: { mergedIds: merged.map((m) => m[0]), survivorIds: merged.map((m) => m[1]) },
    };
  }
  return {
    join: "left join (select cast(json_extract(value, '$[0]') as integer) as id, cast(json_extract(value, '$[1]') as integer) as survivor from json_each(:pairs)) m on m.id = rc.child_id",
    person: 'coalesce(m.survivor, rc.child_id)',
    bindings: { pairs: JSON.stringify(merged) },
  };
}

/** The rows of a raw query with named bindings, on either database. */
export async function rowsOf(db: Knex, sql: string, bindings: Record<string, unknown>): Promise<Record<string, unknown>[]> {
  const result = await db.raw(sql, bindings as any);
  return isPostgres(db) ? result.rows : result;
}
