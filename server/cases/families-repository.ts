import type { Knex } from 'knex';
import type { Family } from './types.js';
import { auditChanges, type AuditContext } from '../audit/audit.js';
import { insertReturningId, nowIso, refFor } from './locking.js';

export async function loadFamily(db: Knex, id: number): Promise<Family | undefined> {
  return db('families').select('id', 'family_ref', 'version').where({ id }).first();
}

export async function familyRefTaken(db: Knex, ref: string): Promise<boolean> {
  return !!(await db('families').select('id').where({ family_ref: ref }).first());
}

export async function createFamily(trx: Knex.Transaction, ctx: AuditContext, familyRef: string | null): Promise<number> {
  const at = nowIso();
  const id = await insertReturningId(trx, 'families', { family_ref: familyRef || `pending-${at}-${Math.random()}`, version: 1, created_at: at, updated_at: at });
  const ref = familyRef || refFor('F', id);
  if (!familyRef) await trx('families').where({ id }).update({ family_ref: ref });
  await auditChanges(trx, { ...ctx, familyId: id }, 'family', id, 'create', {}, { family_ref: ref });
  return id;
}
