import type { Knex } from 'knex';
import type { Child, Family } from './types.js';
import { auditChanges, type AuditContext } from '../audit/audit.js';
import { insertReturningId, nowIso, refFor, updateWithVersion } from './locking.js';
import { prepared } from '../../db/prepared-statements.js';

export type ChildInput = Omit<Child, 'id' | 'family_id' | 'child_ref' | 'merged_into_id' | 'version'> & { child_ref?: string | null };

const CHILD_COLUMNS = ['id', 'family_id', 'child_ref', 'cms_id', 'first_name', 'last_name', 'date_of_birth', 'expected_date_of_birth',
  'sex', 'ethnicity', 'disability_self_reported', 'merged_into_id', 'version'];

const bool = (v: unknown) => (v === null || v === undefined ? null : !!v);

/** Children's columns and a disability code per row (a child with several has a row for each), by child id. */
const withDisabilities = (q: Knex.QueryBuilder) =>
  q.leftJoin('child_disabilities as d', 'd.child_id', 'c.id').select(...CHILD_COLUMNS.map((c) => `c.${c}`), 'd.code as disability').orderBy(['c.id', 'd.code']);

/** Children from rows of withDisabilities, each with its disabilities gathered; rows with no child are passed over. */
function childrenOf(rows: Record<string, any>[]): Child[] {
  const children: Child[] = [];
  for (const r of rows) {
    if (r.id === null) continue;
    let child = children[children.length - 1];
    if (child?.id !== r.id) {
      child = Object.fromEntries(CHILD_COLUMNS.map((c) => [c, r[c]])) as unknown as Child;
      child.disability_self_reported = bool(r.disability_self_reported);
      child.disabilities = [];
      children.push(child);
    }
    if (r.disability !== null) child.disabilities.push(r.disability);
  }
  return children;
}

/** Children with their disabilities, by id: one query. */
export async function loadChildren(db: Knex, where: { family_id?: number; ids?: number[] }): Promise<Child[]> {
  const q = prepared(withDisabilities(db('children as c')));
  if (where.family_id !== undefined) q.where('c.family_id', where.family_id);
  if (where.ids) q.whereIn('c.id', where.ids);
  return childrenOf(await q);
}

/** A family and its children (with their disabilities) in one query, or undefined when there is no such family. */
export async function loadFamilyWithChildren(db: Knex, familyId: number): Promise<{ family: Family; children: Child[] } | undefined> {
  const rows = await prepared(withDisabilities(db('families as f').leftJoin('children as c', 'c.family_id', 'f.id'))
    .select('f.family_ref', 'f.version as family_version').where('f.id', familyId));
  if (!rows.length) return undefined;
  return { family: { id: familyId, family_ref: rows[0].family_ref, version: rows[0].family_version }, children: childrenOf(rows) };
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
