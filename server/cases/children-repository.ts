import type { Knex } from 'knex';
import type { Child, Family } from './types.js';
import { auditChanges, type AuditContext } from '../audit/audit.js';
import { insertReturningId, nowIso, refFor, updateWithVersion } from './locking.js';
import { whereIdIn } from '../common/id-lists.js';
import { arrayRows } from '../common/array-rows.js';

export type ChildInput = Omit<Child, 'id' | 'family_id' | 'child_ref' | 'merged_into_id' | 'version'> & { child_ref?: string | null };

const CHILD_COLUMNS = ['id', 'family_id', 'child_ref', 'cms_id', 'first_name', 'last_name', 'date_of_birth', 'expected_date_of_birth',
  'sex', 'ethnicity', 'disability_self_reported', 'merged_into_id', 'version'];
/** For counting and checking (names never leave the database), in the order loadUnnamedChildren takes them. */
const UNNAMED_COLUMNS = ['id', 'family_id', 'child_ref', 'cms_id', 'date_of_birth', 'expected_date_of_birth', 'sex', 'ethnicity',
  'disability_self_reported', 'merged_into_id', 'version', 'family_ref'];

const bool = (v: unknown) => (v === null || v === undefined ? null : !!v);

/** Children's columns and a disability code per row (a child with several has a row for each), by child id. */
const withDisabilities = (q: Knex.QueryBuilder) =>
  q.leftJoin('child_disabilities as d', 'd.child_id', 'c.id').select(...CHILD_COLUMNS.map((c) => `c.${c}`), 'd.code as disability').orderBy(['c.id', 'd.code']);

/** Children from rows of withDisabilities, each with its disabilities gathered; rows with no child are passed over. */
function childrenOf(rows: Record<string, unknown>[]): Child[] {
  const children: Child[] = [];
  for (const r of rows) {
    if (r.id === null) continue;
    let child = children[children.length - 1];
    if (child?.id !== r.id) {
      child = Object.fromEntries(CHILD_COLUMNS.map((c) => [c, r[c] ?? null])) as unknown as Child;
      child.disability_self_reported = bool(r.disability_self_reported);
      child.disabilities = [];
      children.push(child);
    }
    if (r.disability !== null) child.disabilities.push(String(r.disability));
  }
  return children;
}

/** Children with their disabilities, by id: one query. */
export async function loadChildren(db: Knex, where: { family_id?: number; ids?: number[] }): Promise<Child[]> {
  const q = withDisabilities(db('children as c'));
  if (where.family_id !== undefined) q.where('c.family_id', where.family_id);
  if (where.ids) q.whereIn('c.id', where.ids);
  return childrenOf(await q);
}

/** A child with its family's reference and without names (first_name and last_name null), as counting and checks read it. */
export type CaseChild = Child & { family_ref: string };

/**
 * Children without their names, with their family's reference, in id order: some (by id, any
 * number), one family's, or every child (no `where`).
 */
export async function loadUnnamedChildren(db: Knex, where: { ids?: readonly number[]; family_id?: number } = {}): Promise<CaseChild[]> {
  const q = db('children as c').join('families as f', 'f.id', 'c.family_id').select(UNNAMED_COLUMNS.map((c) => (c === 'family_ref' ? 'f.family_ref' : `c.${c}`)));
  const d = db('child_disabilities as d').select('d.child_id', 'd.code');
  if (where.ids) {
    if (!where.ids.length) return [];
    whereIdIn(db, q, 'c.id', where.ids);
    whereIdIn(db, d, 'd.child_id', where.ids);
  }
  if (where.family_id !== undefined) {
    q.where('c.family_id', where.family_id);
    d.whereIn('d.child_id', db('children').select('id').where({ family_id: where.family_id }));
  }
  const [rows, disabilities] = await Promise.all([arrayRows(db, q, UNNAMED_COLUMNS), arrayRows(db, d, ['child_id', 'code'])]) as [unknown[][], [number, string][]];
  const byId = new Map<number, CaseChild>();
  const children = rows.map((r) => {
    const c = {
      id: r[0], family_id: r[1], child_ref: r[2], family_ref: r[11], cms_id: r[3], first_name: null, last_name: null,
      date_of_birth: r[4], expected_date_of_birth: r[5], sex: r[6], ethnicity: r[7], disabilities: [] as string[],
      disability_self_reported: bool(r[8]), merged_into_id: r[9], version: r[10],
    } as CaseChild;
    byId.set(c.id, c);
    return c;
  }).sort((a, b) => a.id - b.id);
  for (const [id, code] of disabilities) byId.get(id)?.disabilities.push(code);
  for (const c of children) if (c.disabilities.length > 1) c.disabilities.sort();
  return children;
}

/**
 * The children with these ids, then the records they were merged into, following each chain
 * to its end (the merged-into record carries the counted characteristics): the one place the
 * chain is walked in the database. Unnamed, in the order read.
 */
export async function loadChildrenAndSurvivors(db: Knex, ids: readonly number[]): Promise<CaseChild[]> {
  const children = await loadUnnamedChildren(db, { ids });
  const have = new Set(children.map((c) => c.id));
  let next = children;
  for (;;) {
    const missing = [...new Set(next.map((c) => c.merged_into_id).filter((id): id is number => id !== null && !have.has(id)))];
    if (!missing.length) return children;
    next = await loadUnnamedChildren(db, { ids: missing });
    for (const c of next) {
      have.add(c.id);
      children.push(c);
    }
  }
}

/** A family and its children (with their disabilities) in one query, or undefined when there is no such family. */
export async function loadFamilyWithChildren(db: Knex, familyId: number): Promise<{ family: Family; children: Child[] } | undefined> {
  const rows = await withDisabilities(db('families as f').leftJoin('children as c', 'c.family_id', 'f.id'))
    .select('f.family_ref', 'f.version as family_version').where('f.id', familyId);
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
