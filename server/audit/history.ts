import type { Knex } from 'knex';

export interface HistoryEntry {
  at: string;
  user_name: string | null;
  action: string;
  entity: string;
  entity_id: number | null;
  field: string | null;
  old_value: string | null;
  new_value: string | null;
}

/** The change history of one family, child or referral, newest first. */
export async function loadHistory(db: Knex, scope: 'family' | 'referral' | 'child', id: number, limit = 500): Promise<HistoryEntry[]> {
  const column = { family: 'family_id', referral: 'referral_id', child: 'child_id' }[scope];
  return db('audit_log as a')
    .leftJoin('users as u', 'u.id', 'a.user_id')
    .select('a.at', 'u.name as user_name', 'a.action', 'a.entity', 'a.entity_id', 'a.field', 'a.old_value', 'a.new_value')
    .where(`a.${column}`, id)
    .orderBy([{ column: 'a.at', order: 'desc' }, { column: 'a.id', order: 'desc' }])
    .limit(limit);
}
