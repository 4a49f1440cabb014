import type { Knex } from 'knex';
import { writesAllowed } from '../../db/long-write.js';

export interface AuditContext {
  userId: number | null;
  /** which family / referral / child the change belongs to, so each history page can find it */
  familyId?: number | null;
  referralId?: number | null;
  childId?: number | null;
}

export type AuditValue = string | number | boolean | null | undefined | string[];

const show = (v: AuditValue): string | null => {
  if (v === null || v === undefined || v === '') return null;
  if (Array.isArray(v)) return v.length ? [...v].sort().join(';') : null;
  if (typeof v === 'boolean') return v ? 'Yes' : 'No';
  return String(v);
};

/**
 * The field, old and new value of each audit row one change makes, as auditChanges writes
 * them: one per field whose displayed value differs between before and after, or, for a
 * create or delete that changes none, one row with no field. Handed over one at a time,
 * so a writer of many rows (the import) need keep no object per row; `after` may be given
 * in parts with distinct fields, to save merging them. Pure.
 */
export function eachAuditRow(
  action: 'create' | 'update' | 'delete',
  before: Record<string, AuditValue>,
  after: Record<string, AuditValue> | readonly Record<string, AuditValue>[],
  row: (field: string | null, old: string | null, value: string | null) => void,
): void {
  let n = 0;
  for (const part of Array.isArray(after) ? after : [after]) {
    for (const field in part) {
      if (!Object.hasOwn(part, field)) continue;
      const old = show(before[field]);
      const value = show(part[field]);
      if (old === value) continue;
      row(field, old, value);
      n += 1;
    }
  }
  if (action !== 'update' && n === 0) row(null, null, null);
}

const now = () => new Date().toISOString();

/**
 * Writes one audit row per changed field, inside the caller's transaction, so the
 * change and its audit commit or roll back together.
 */
export async function auditChanges(
  trx: Knex | Knex.Transaction,
  ctx: AuditContext,
  entity: string,
  entityId: number,
  action: 'create' | 'update' | 'delete',
  before: Record<string, AuditValue>,
  after: Record<string, AuditValue>,
): Promise<number> {
  const at = now();
  const rows: Record<string, string | number | null>[] = [];
  eachAuditRow(action, before, after, (field, old, value) => rows.push({
    at,
    user_id: ctx.userId,
    action,
    entity,
    entity_id: entityId,
    family_id: ctx.familyId ?? null,
    referral_id: ctx.referralId ?? null,
    child_id: ctx.childId ?? null,
    field,
    old_value: old,
    new_value: value,
  }));
  if (rows.length) await trx.batchInsert('audit_log', rows, 200);
  return rows.length;
}

/** Security and data-movement events (sign-in, lockout, export, import) without field detail. */
export async function auditEvent(
  db: Knex | Knex.Transaction,
  userId: number | null,
  action: string,
  entity: string,
  detail?: string,
): Promise<void> {
  await writesAllowed(db); // a download's row, beside a large import on SQLite
  await db('audit_log').insert({ at: now(), user_id: userId, action, entity, new_value: detail ?? null });
}
