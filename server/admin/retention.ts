import type { Knex } from 'knex';
import { addMonths, todayIso } from '../common/dates.js';
import { auditEvent } from '../audit/audit.js';

/** The closure date before which episodes may be purged. Pure. */
export function retentionCutoff(years: number, today = todayIso()): string {
  return addMonths(today, -12 * years);
}

export interface PurgePlan {
  cutoff: string;
  referrals: number;
  children: number;
  families: number;
}

const purgeableReferrals = (db: Knex, cutoff: string) => db('referrals').select('id').whereNotNull('closure_date').where('closure_date', '<', cutoff);

/** What a purge would remove: closed episodes, and children and families left with none. */
export async function planPurge(db: Knex, cutoff: string): Promise<PurgePlan & { referralIds: number[]; childIds: number[]; familyIds: number[] }> {
  const referralIds = (await purgeableReferrals(db, cutoff)).map((r) => r.id);
  // A family goes only when every one of its episodes goes; its children go with it.
  const familyIds = (
    await db('referrals').select('family_id').groupBy('family_id')
      .havingRaw('sum(case when closure_date is not null and closure_date < ? then 0 else 1 end) = 0', [cutoff])
  ).map((r) => r.family_id);
  const childIds = familyIds.length ? (await db('children').select('id').whereIn('family_id', familyIds)).map((r) => r.id) : [];
  return { cutoff, referrals: referralIds.length, children: childIds.length, families: familyIds.length, referralIds, childIds, familyIds };
}

/**
 * Deletes episodes closed before the cutoff, in one transaction, with the children and
 * families left with no episode; their personal data is also removed from the change
 * history. The purge itself is audited with its counts.
 */
export async function purge(db: Knex, userId: number, cutoff: string): Promise<PurgePlan> {
  return db.transaction(async (trx) => {
    const plan = await planPurge(trx, cutoff);
    const chunks = <T>(xs: T[]) => Array.from({ length: Math.ceil(xs.length / 500) }, (_, i) => xs.slice(i * 500, i * 500 + 500));
    for (const ids of chunks(plan.familyIds)) await trx('child_merges').whereIn('family_id', ids).delete();
    for (const ids of chunks(plan.referralIds)) {
      await trx('child_merge_links').whereIn('referral_id', ids).delete();
      for (const table of ['referral_children', 'referral_plan_content', 'review_conferences']) await trx(table).whereIn('referral_id', ids).delete();
      await trx('referrals').whereIn('id', ids).delete();
      await trx('audit_log').whereIn('referral_id', ids).update({ old_value: null, new_value: null });
    }
    for (const ids of chunks(plan.childIds)) {
      await trx('referral_children').whereIn('child_id', ids).delete();
      await trx('child_disabilities').whereIn('child_id', ids).delete();
      await trx('children').whereIn('merged_into_id', ids).update({ merged_into_id: null });
      await trx('children').whereIn('id', ids).delete();
      await trx('audit_log').whereIn('child_id', ids).update({ old_value: null, new_value: null });
    }
    for (const ids of chunks(plan.familyIds)) {
      await trx('families').whereIn('id', ids).delete();
      await trx('audit_log').whereIn('family_id', ids).update({ old_value: null, new_value: null });
    }
    const { referralIds, childIds, familyIds, ...counts } = plan;
    await auditEvent(trx, userId, 'purge', 'retention', `closed before ${cutoff}: ${counts.referrals} referrals, ${counts.children} children, ${counts.families} families`);
    return counts;
  });
}
