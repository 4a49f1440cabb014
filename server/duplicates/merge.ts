import type { Knex } from 'knex';
import { auditChanges, type AuditContext } from '../audit/audit.js';
import { nowIso, StaleRecordError, updateWithVersion } from '../cases/locking.js';
import { OUTCOME_FIELDS } from '../cases/stages.js';
import { insertReturningId } from '../cases/locking.js';

// Merging two records of one child, and undoing a merge. All referral links move to the
// surviving record; the merged record stays (merged_into_id set) so history and undo work.

export class MergeRefusedError extends Error {}

const LINK_FIELDS = ['legal_status', ...OUTCOME_FIELDS] as const;
type LinkValues = Record<(typeof LINK_FIELDS)[number], string | null>;
/** A referral_children row: the link of a child to a referral, with its values. */
type LinkRow = { referral_id: number | string; child_id: number | string } & Partial<LinkValues>;
const linkValues = (row: Partial<LinkValues>): LinkValues => Object.fromEntries(LINK_FIELDS.map((f) => [f, row[f] ?? null])) as LinkValues;

interface ChildRow {
  id: number;
  family_id: number;
  child_ref: string;
  merged_into_id: number | null;
  version: number;
}

async function loadChildRow(trx: Knex.Transaction, id: number): Promise<ChildRow | undefined> {
  const row = await trx('children').select('id', 'family_id', 'child_ref', 'merged_into_id', 'version').where({ id }).first();
  return row ? { ...row, id: Number(row.id), family_id: Number(row.family_id), merged_into_id: row.merged_into_id === null ? null : Number(row.merged_into_id) } : undefined;
}

/**
 * Merges child `mergedId` into `survivorId` (both live, one family). `version` is the
 * merged record's version as the user saw it. Returns the merge's id.
 */
export async function mergeChildren(trx: Knex.Transaction, ctx: AuditContext, mergedId: number, survivorId: number, version: number): Promise<number> {
  if (mergedId === survivorId) throw new MergeRefusedError('Select a different record to keep');
  const [merged, survivor] = [await loadChildRow(trx, mergedId), await loadChildRow(trx, survivorId)];
  if (!merged || !survivor) throw new MergeRefusedError('Select a record to keep from the list');
  if (merged.family_id !== survivor.family_id) throw new MergeRefusedError('You can only merge records of children in the same family');
  if (merged.merged_into_id) throw new MergeRefusedError(`${merged.child_ref} has already been merged into another record`);
  if (survivor.merged_into_id) throw new MergeRefusedError(`${survivor.child_ref} has been merged into another record: keep that record instead`);
  // Claims the merged record first, so two people merging at once cannot both succeed.
  await updateWithVersion(trx, 'children', merged.id, version, { merged_into_id: survivor.id });
  const at = nowIso();
  const mergeId = await insertReturningId(trx, 'child_merges', {
    family_id: merged.family_id, merged_child_id: merged.id, survivor_id: survivor.id, merged_by: ctx.userId, merged_at: at,
  });

  const links: LinkRow[] = await trx('referral_children').select('*').where({ child_id: merged.id }).orderBy('referral_id');
  const theirLinks: LinkRow[] = await trx('referral_children').select('*').where({ child_id: survivor.id });
  const survivorLinks = new Map(theirLinks.map((l) => [Number(l.referral_id), linkValues(l)]));
  const base = { ...ctx, familyId: merged.family_id };
  for (const link of links) {
    const referralId = Number(link.referral_id);
    const mine = linkValues(link);
    const theirs = survivorLinks.get(referralId);
    let kind: 'moved' | 'dropped';
    let survivorBefore: Partial<LinkValues> | null = null;
    if (theirs) {
      // Both on this referral: keep the survivor's link, filling its blanks from the merged record's.
      kind = 'dropped';
      const fill = Object.fromEntries(LINK_FIELDS.filter((f) => theirs[f] === null && mine[f] !== null).map((f) => [f, mine[f]]));
      if (Object.keys(fill).length) {
        survivorBefore = Object.fromEntries(Object.keys(fill).map((f) => [f, null]));
        await trx('referral_children').where({ referral_id: referralId, child_id: survivor.id }).update(fill);
        await auditChanges(trx, { ...base, referralId, childId: survivor.id }, 'referral_child', survivor.id, 'update', linkValues(theirs), { ...linkValues(theirs), ...fill });
      }
      await trx('referral_children').where({ referral_id: referralId, child_id: merged.id }).delete();
    } else {
      kind = 'moved';
      await trx('referral_children').where({ referral_id: referralId, child_id: merged.id }).update({ child_id: survivor.id });
      await auditChanges(trx, { ...base, referralId, childId: survivor.id }, 'referral_child', survivor.id, 'create', {}, { on_referral: 'Yes', ...mine });
    }
    await auditChanges(trx, { ...base, referralId, childId: merged.id }, 'referral_child', merged.id, 'delete', { on_referral: 'Yes' }, { on_referral: null });
    await trx('child_merge_links').insert({ merge_id: mergeId, referral_id: referralId, kind, ...mine, survivor_before: survivorBefore ? JSON.stringify(survivorBefore) : null });
  }
  await auditChanges(trx, { ...base, childId: merged.id }, 'child', merged.id, 'update', { merged_into: null }, { merged_into: survivor.child_ref });
  await auditChanges(trx, { ...base, childId: survivor.id }, 'child', survivor.id, 'update', { merged_from: null }, { merged_from: merged.child_ref });
  return mergeId;
}

/**
 * Undoes a merge: the merged record is live again and back on every referral it was on,
 * with its own values. A link moved to the survivor returns (keeping anything recorded on
 * it since); a survivor's blank the merge filled is emptied again unless changed since.
 * A link removed from the referral since the merge is not brought back.
 */
export async function undoMerge(trx: Knex.Transaction, ctx: AuditContext, mergeId: number): Promise<void> {
  const merge = await trx('child_merges').where({ id: mergeId }).first();
  if (!merge) throw new MergeRefusedError('There is no such merge');
  if (merge.undone_at) throw new MergeRefusedError('This merge has already been undone');
  const merged = await loadChildRow(trx, Number(merge.merged_child_id));
  const survivor = await loadChildRow(trx, Number(merge.survivor_id));
  if (!merged || !survivor || merged.merged_into_id !== survivor.id) throw new MergeRefusedError('The records have changed since this merge, so it cannot be undone');
  if (survivor.merged_into_id) {
    throw new MergeRefusedError(`${survivor.child_ref} was itself merged into another record afterwards: undo that merge first`);
  }
  await updateWithVersion(trx, 'children', merged.id, merged.version, { merged_into_id: null });
  const base = { ...ctx, familyId: merged.family_id };
  const links = await trx('child_merge_links').select('*').where({ merge_id: mergeId }).orderBy('id');
  for (const link of links) {
    const referralId = Number(link.referral_id);
    const own = linkValues(link);
    const theirs = await trx('referral_children').where({ referral_id: referralId, child_id: survivor.id }).first();
    if (link.kind === 'moved') {
      if (!theirs) continue;
      await trx('referral_children').where({ referral_id: referralId, child_id: survivor.id }).update({ child_id: merged.id });
      await auditChanges(trx, { ...base, referralId, childId: survivor.id }, 'referral_child', survivor.id, 'delete', { on_referral: 'Yes' }, { on_referral: null });
      await auditChanges(trx, { ...base, referralId, childId: merged.id }, 'referral_child', merged.id, 'create', {}, { on_referral: 'Yes', ...linkValues(theirs) });
    } else {
      await trx('referral_children').insert({ referral_id: referralId, child_id: merged.id, ...own });
      await auditChanges(trx, { ...base, referralId, childId: merged.id }, 'referral_child', merged.id, 'create', {}, { on_referral: 'Yes', ...own });
      if (theirs && link.survivor_before) {
        const before = JSON.parse(link.survivor_before) as Partial<LinkValues>;
        // Only values still as the merge left them go back.
        const restore = Object.fromEntries(Object.entries(before).filter(([f]) => theirs[f] === own[f as keyof LinkValues]));
        if (Object.keys(restore).length) {
          await trx('referral_children').where({ referral_id: referralId, child_id: survivor.id }).update(restore);
          await auditChanges(trx, { ...base, referralId, childId: survivor.id }, 'referral_child', survivor.id, 'update', linkValues(theirs), { ...linkValues(theirs), ...restore });
        }
      }
    }
  }
  await trx('child_merges').where({ id: mergeId }).update({ undone_by: ctx.userId, undone_at: nowIso() });
  await auditChanges(trx, { ...base, childId: merged.id }, 'child', merged.id, 'update', { merged_into: survivor.child_ref }, { merged_into: null });
  await auditChanges(trx, { ...base, childId: survivor.id }, 'child', survivor.id, 'update', { merged_from: merged.child_ref }, { merged_from: null });
}

export interface MergeListing {
  id: number;
  family_id: number;
  family_ref: string;
  merged_child_id: number;
  merged_ref: string;
  survivor_id: number;
  survivor_ref: string;
  merged_by: string | null;
  merged_at: string;
  undone_by: string | null;
  undone_at: string | null;
  links: number;
}

/** Merges newest first, with references only (administrators do not see case details). */
export async function listMerges(db: Knex, limit = 500): Promise<MergeListing[]> {
  const rows = await db('child_merges as m')
    .join('families as f', 'f.id', 'm.family_id')
    .join('children as a', 'a.id', 'm.merged_child_id')
    .join('children as b', 'b.id', 'm.survivor_id')
    .leftJoin('users as u', 'u.id', 'm.merged_by')
    .leftJoin('users as v', 'v.id', 'm.undone_by')
    .select('m.id', 'm.family_id', 'f.family_ref', 'm.merged_child_id', 'a.child_ref as merged_ref', 'm.survivor_id', 'b.child_ref as survivor_ref',
      'u.name as merged_by', 'm.merged_at', 'v.name as undone_by', 'm.undone_at')
    .select(db('child_merge_links as l').count('*').whereRaw('l.merge_id = m.id').as('links'))
    .orderBy('m.id', 'desc')
    .limit(limit);
  return rows.map((r: Omit<MergeListing, 'links'> & { links: number | string }) => ({ ...r, links: Number(r.links) }));
}

export { StaleRecordError };
