// Database reads for the insight pages besides the case store (case-store.ts): the filters as
// SQL for the figures counted in the database, the coordinator teams and the earliest referral.
import type { Knex } from 'knex';
import { NR } from '../annual-return/breakdowns.js';
import { NO_TEAM, type Filters } from './filters.js';

/** Narrows a referrals query by the filters (columns of `referrals`, unqualified). */
export function applyFilters(db: Knex, q: Knex.QueryBuilder, f: Filters): Knex.QueryBuilder {
  const code = (column: string, value: string) => {
    if (!value) return;
    if (value === NR) q.where((w) => w.whereNull(column).orWhere(column, ''));
    else q.where(column, value);
  };
  code('stage_offered', f.stage);
  code('referral_source', f.source);
  if (f.team === NO_TEAM) {
    q.where((w) => w.whereNull('coordinator_id').orWhereNotIn('coordinator_id', db('users').select('id').whereNotNull('team').whereNot('team', '')));
  } else if (f.team) {
    q.whereIn('coordinator_id', db('users').select('id').where('team', f.team));
  }
  return q;
}

/** Coordinator teams in use, for the filter. */
export async function loadTeams(db: Knex): Promise<string[]> {
  const rows = await db('users').distinct('team').whereNotNull('team').whereNot('team', '').orderBy('team');
  return rows.map((r: any) => String(r.team));
}

export async function earliestReferralDate(db: Knex): Promise<string | null> {
  const row = await db('referrals').min({ first: 'referral_date' }).first();
  return row?.first ? String(row.first) : null;
}
