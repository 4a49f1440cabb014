import type { Knex } from 'knex';
import type { Child } from './types.js';
import { auditChanges, type AuditContext } from '../audit/audit.js';
import { insertReturningId, nowIso, refFor, updateWithVersion } from './locking.js';

export type ChildInput = Omit<Child, 'id' | 'family_id' | 'child_ref' | 'merged_into_id' | 'version'> & { child_ref?: string | null };

const CHILD_COLUMNS = ['id', 'family_id', 'child_ref', 'cms_id', 'first_name', 'last_name', 'date_of_birth', 'expected_date_of_birth',
  'sex', 'ethnicity', 'disability_self_reported', 'merged_into_id', 'version'];

const bool = (v: unknown) => (v === null || v === undefined ? null : !!v);

export async function loadChildren(db: Knex, where: { family_id?: number; ids?: number[] }): Promise<Child[]> {
  const q = db('children').select(CHILD_COLUMNS).orderBy('id');
  if (where.family_id !== undefined) q.where({ family_id: where.family_id });
  if (where.ids) q.whereIn('id', where.ids);
  const rows = await q;
  const dis = rows.length
    ? await db('child_disabilities').select('child_id', 'code').whereIn('child_id', rows.map((r) => r.id)).orderBy('code')
    : [];
  const byChild = new Map<number, string[]>();
  for (const d of dis) (byChild.get(d.child_id) ?? byChild.set(d.child_id, []).get(d.child_id)!).push(d.code);
  return rows.map((r) => ({ ...r, disability_self_reported: bool(r.disability_self_reported), disabilities: byChild.get(r.id) ?? [] }));
}

export async function loadChild(db: Knex, id: number): Promise<Child | undefined> {
  return (await loadChildren(db, { ids: [id] }))[0];
}

const columns = (c: ChildInput) => ({
  cms_id: c.cms_id, first_name: c.first_name, last_name: c.last_name, date_of_birth: c.date_of_birth,
  expected_date_of_birth: c.expected_date_of_birth, sex: c.sex, ethnicity: c.ethnicity, disability_self_reported: c.disability_self_reported,
});

export async function createChild(trx: Knex.Transaction, ctx: AuditContext, familyId: number, c: ChildInput): Promise<number> {
  const at = nowIso();
  const id = await insertReturningId(trx, 'children', {
    ...columns(c), family_id: familyId, child_ref: c.child_ref || `pending-${at}-${Math.random()}`, version: 1, created_at: at, updated_at: at,
  });
  const childRef = c.child_ref || refFor('C', id);
  if (!c.child_ref) await trx('children').where({ id }).update({ child_ref: childRef });
  if (c.disabilities.length) await trx('child_disabilities').insert(c.disabilities.map((code) => ({ child_id: id, code })));
  await auditChanges(trx, { ...ctx, familyId, childId: id }, 'child', id, 'create', {}, { child_ref: childRef, ...columns(c), disabilities: c.disabilities });
  return id;
}

export async function updateChild(trx: Knex.Transaction, ctx: AuditContext, before: Child, version: number, c: ChildInput): Promise<void> {
  await updateWithVersion(trx, 'children', before.id, version, columns(c));
  if ([...before.disabilities].sort().join() !== [...c.disabilities].sort().join()) {
    await trx('child_disabilities').where({ child_id: before.id }).delete();
    if (c.disabilities.length) await trx('child_disabilities').insert(c.disabilities.map((code) => ({ child_id: before.id, code })));
  }
  await auditChanges(trx, { ...ctx, familyId: before.family_id, childId: before.id }, 'child', before.id, 'update',
    { ...columns(before), disabilities: before.disabilities }, { ...columns(c), disabilities: c.disabilities });
}
