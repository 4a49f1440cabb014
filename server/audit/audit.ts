import type { Knex } from 'knex';

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

/** The fields whose displayed value differs between before and after. Pure. */
export function changedFields(
  before: Record<string, AuditValue>,
  after: Record<string, AuditValue>,
): { field: string; old: string | null; new: string | null }[] {
  return Object.keys(after)
    .map((field) => ({ field, old: show(before[field]), new: show(after[field]) }))
    .filter((c) => c.old !== c.new);
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
  const rows = changedFields(before, after).map((c) => ({
    at,
    user_id: ctx.userId,
    action,
    entity,
    entity_id: entityId,
    family_id: ctx.familyId ?? null,
    referral_id: ctx.referralId ?? null,
    child_id: ctx.childId ?? null,
    field: c.field,
    old_value: c.old,
    new_value: c.new,
  }));
  if (action !== 'update' && rows.length === 0) {
    rows.push({ at, user_id: ctx.userId, action, entity, entity_id: entityId, family_id: ctx.familyId ?? null,
      referral_id: ctx.referralId ?? null, child_id: ctx.childId ?? null, field: null as any, old_value: null, new_value: null });
  }
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
  await db('audit_log').insert({ at: now(), user_id: userId, action, entity, new_value: detail ?? null });
}
