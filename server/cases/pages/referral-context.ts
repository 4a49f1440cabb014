// What every page of one referral reads: the referral, its family and the family's children,
// and the code lists and coordinators its forms offer.
import type { Request } from 'express';
import type { Knex } from 'knex';
import { currentCodeLists } from '../../codes/code-lists.js';
import { currentUsers } from '../../auth/users.js';
import { notFound } from '../../middleware/errors.js';
import { loadChildren } from '../children-repository.js';
import { loadFamily } from '../families-repository.js';
import { loadReferral, setReferralChildren, touchReferral } from '../referrals-repository.js';
import { auditContext, versionField } from '../http.js';
import { idParam } from '../../middleware/params.js';
import { savedUnlessStale } from '../locking.js';

/** The code lists and the coordinators a referral's pages offer. */
export async function referralChoices(db: Knex, req: Request) {
  const [codes, users] = await Promise.all([currentCodeLists(db, req), currentUsers(db, req)]);
  return { codes, coordinators: users.coordinators };
}

/** The referral the route names (404 when there is none), with its family, children and choices. */
export async function referralContext(db: Knex, req: Request, referralId = idParam(req)) {
  const referral = await loadReferral(db, referralId);
  if (!referral) throw notFound();
  const [family, children, { codes, coordinators }] = await Promise.all([
    loadFamily(db, referral.family_id), loadChildren(db, { family_id: referral.family_id }), referralChoices(db, req),
  ]);
  return { referral, family: family!, children, codes, coordinators };
}

export type ReferralContext = Awaited<ReturnType<typeof referralContext>>;

export const coordinatorOptions = (coordinators: readonly { id: number; name: string; team: string | null }[]) =>
  coordinators.map((c) => ({ value: c.id, text: c.team ? `${c.name} (${c.team})` : c.name }));

/** Saves which children a referral covers and their rows (statuses, outcomes), if the referral is still at the version the form showed. */
export function saveReferralChildren(db: Knex, req: Request, ctx: ReferralContext, rows: Parameters<typeof setReferralChildren>[4]) {
  return savedUnlessStale(() => db.transaction(async (trx) => {
    await touchReferral(trx, ctx.referral.id, versionField(req));
    await setReferralChildren(trx, { ...auditContext(req), familyId: ctx.family.id }, ctx.referral.id, ctx.referral.children, rows);
  }));
}
