import type { Knex } from 'knex';
import { buildReturn } from './return-service.js';
import type { AnnualReturn } from './counting.js';

/**
 * A year's return with every database id replaced by the reference it stands for (sorted),
 * and the Data quality sheet: what must not change when the same cases are exported and
 * imported into another database, whose ids differ.
 */
export async function returnByRefs(db: Knex, year: number) {
  const [built, referrals, children] = await Promise.all([
    buildReturn(db, year),
    db<{ id: number; referral_ref: string }>('referrals').select('id', 'referral_ref'),
    db<{ id: number; child_ref: string }>('children').select('id', 'child_ref'),
  ]);
  const referralRef = new Map(referrals.map((r) => [Number(r.id), r.referral_ref]));
  const childRef = new Map(children.map((c) => [Number(c.id), c.child_ref]));
  return { ...returnWithRefs(built.ret, (id) => referralRef.get(id) ?? `?${id}`, (id) => childRef.get(id) ?? `?${id}`), quality: built.ctx.quality };
}

/**
 * A return with every database id replaced by the reference it stands for, id lists sorted:
 * what must not change when the same cases are held under other ids, in another order. Pure.
 */
export function returnWithRefs(ret: AnnualReturn, referralRef: (id: number) => string, childRef: (id: number) => string) {
  const refs = (ids: number[] | null, of: (id: number) => string) => (ids ? ids.map(of).sort() : ids);
  return {
    ...ret,
    populations: Object.fromEntries(Object.entries(ret.populations).map(([k, p]) => [k, { ...p, fgcIds: refs(p.fgcIds, referralRef), childIds: refs(p.childIds, childRef) }])),
    attendance: Object.fromEntries(Object.entries(ret.attendance).map(([k, v]) => [k, v && typeof v === 'object' && 'ids' in v ? { ...v, ids: refs(v.ids, referralRef) } : v])),
    breakdowns: Object.fromEntries(Object.entries(ret.breakdowns).map(([k, b]) => [k, {
      ...b, rows: b.rows.map((r) => ({ ...r, ids: refs(r.ids, b.unit === 'children' ? childRef : referralRef) })),
    }])),
  };
}
