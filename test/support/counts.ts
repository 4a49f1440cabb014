import type { Knex } from 'knex';

/** The tables an import writes case data (and its audit) to. */
export const CASE_TABLES = ['families', 'children', 'child_disabilities', 'referrals', 'referral_children', 'referral_plan_content', 'review_conferences', 'audit_log'] as const;

/** How many rows a table has. */
export async function rowCount(db: Knex, table: string): Promise<number> {
  return Number((await db(table).count({ n: '*' }).first())!.n);
}

/** Rows in each case table: equal before and after means nothing was written. */
export async function caseCounts(db: Knex): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const t of CASE_TABLES) out[t] = await rowCount(db, t);
  return out;
}
