// Database reads for the insight pages besides the case data: the filters as SQL, the
// coordinator teams and the earliest referral.
import type { Knex } from 'knex';
import { NR } from '../annual-return/breakdowns.js';
import { NO_TEAM, type Filters } from './filters.js';

/** Narrows a referrals query by the filters (the referrals table is `alias`). */
export function applyFilters(db: Knex, q: Knex.QueryBuilder, f: Filters, alias = 'referrals'): Knex.QueryBuilder {
  const col = (column: string) => `${alias}.${column}`;
  const code = (column: string, value: string) => {
    if (!value) return;
    if (value === NR) q.where((w) => w.whereNull(col(column)).orWhere(col(column), ''));
    else q.where(col(column), value);
  };
  code('stage_offered', f.stage);
  code('referral_source', f.source);
  const teamMembers = (team?: string) => {
    const members = db('users').select('id').whereNotNull('team').whereNot('team', '');
    return team ? members.where('team', team) : members;
  };
  if (f.team === NO_TEAM) q.where((w) => w.whereNull(col('coordinator_id')).orWhereNotIn(col('coordinator_id'), teamMembers()));
  else if (f.team) q.whereIn(col('coordinator_id'), teamMembers(f.team));
  return q;
}

/** Coordinator teams in use, for the filter. */
export async function loadTeams(db: Knex): Promise<string[]> {
  const rows: { team: string }[] = await db('users').distinct('team').whereNotNull('team').whereNot('team', '').orderBy('team');
  return rows.map((r) => String(r.team));
}

export async function earliestReferralDate(db: Knex): Promise<string | null> {
  const row = await db('referrals').min({ first: 'referral_date' }).first();
  return row?.first ? String(row.first) : null;
}
