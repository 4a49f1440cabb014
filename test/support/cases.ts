import type { Knex } from 'knex';
import { createFamily } from '../../server/cases/families-repository.js';
import { createChild, type ChildInput } from '../../server/cases/children-repository.js';
import { createReferral, updateReferral, loadReferral, addReview, type ReferralFields } from '../../server/cases/referrals-repository.js';

/** Builds case data through the same repositories the app uses (audited, in a transaction). */
export async function seedFamily(db: Knex, familyRef: string, children: Partial<ChildInput>[]): Promise<{ familyId: number; childIds: number[] }> {
  return db.transaction(async (trx) => {
    const familyId = await createFamily(trx, { userId: null }, familyRef);
    const childIds: number[] = [];
    for (const c of children) {
      childIds.push(await createChild(trx, { userId: null }, familyId, {
        first_name: null, last_name: 'Test', cms_id: null, date_of_birth: null, expected_date_of_birth: null, sex: null,
        ethnicity: null, disabilities: [], disability_self_reported: null, ...c,
      }));
    }
    return { familyId, childIds };
  });
}

/** The fields a seeded referral is given. */
export type SeedReferralFields = ReferralFields & { referral_date: string };

export async function seedReferral(
  db: Knex,
  familyId: number,
  children: { child_id: number; legal_status?: string | null }[],
  fields: ReferralFields & { referral_date: string },
  extra: { reviews?: string[]; plan_content?: string[] } = {},
): Promise<number> {
  return db.transaction(async (trx) => {
    const { referral_date, ...rest } = fields;
    const id = await createReferral(trx, { userId: null }, familyId, null, { referral_date },
      children.map((c) => ({ child_id: c.child_id, legal_status: c.legal_status ?? null })));
    let r = (await loadReferral(trx, id))!;
    if (Object.keys(rest).length || extra.plan_content) {
      await updateReferral(trx, { userId: null }, r, r.version, rest, extra.plan_content ? { plan_content: extra.plan_content } : {});
      r = (await loadReferral(trx, id))!;
    }
    for (const d of extra.reviews ?? []) {
      await addReview(trx, { userId: null }, r, r.version, { review_date: d, plan_working: true });
      r = (await loadReferral(trx, id))!;
    }
    return id;
  });
}
