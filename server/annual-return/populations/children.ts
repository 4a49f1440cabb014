// The children of a population: each distinct child (merged duplicates resolved) with the earliest
// referral putting it in the population, and their characteristics (age band, sex, ethnicity,
// disability, legal status) taken from that referral (domain.md, counting rules).
import type { Referral, ReferralChild } from '../../cases/types.js';
import { ageBand } from '../age-bands.js';
import { NR, Tally, codeOf, type Breakdown } from '../breakdowns.js';
import { childBreakdowns, disabilityCodeOf, legalStatusCodeOf, type ChildDimension, type ChildPopulationKey } from '../child-breakdowns.js';
import type { Population } from '../return-types.js';
import { fgcPopulation, type CountingContext } from './context.js';

/** A child population: surviving child id -> the earliest referral putting the child in it. */
type ChildPopulation = Map<number, { referral: Referral }>;

const NO_DATE = '9999-12-31';

/**
 * Earlier by referral date, then by the lower referral reference (domain.md, decided edge cases):
 * never by id or input order, so the same cases give the same return in any database.
 */
export function isEarlier(a: Referral, b: Referral): boolean {
  const da = a.referral_date || NO_DATE;
  const db = b.referral_date || NO_DATE;
  return da < db || (da === db && a.referral_ref < b.referral_ref);
}

/**
 * Each distinct child (surviving id) with its row on the earliest of these referrals (isEarlier),
 * the referral whose details count for the child in a population.
 */
export function earliestRows(referrals: Iterable<Referral>, resolve: (id: number) => number): Map<number, { referral: Referral; row: ReferralChild }> {
  const out = new Map<number, { referral: Referral; row: ReferralChild }>();
  for (const r of referrals) {
    if (!r.children) continue;
    for (const row of r.children) {
      if (!row || row.child_id === null || row.child_id === undefined) continue;
      const id = resolve(row.child_id);
      const seen = out.get(id);
      if (!seen || isEarlier(r, seen.referral)) out.set(id, { referral: r, row });
    }
  }
  return out;
}

/**
 * The child's row on its earliest referral: the legal status recorded there (a row with a status is
 * preferred when the same person appears twice, e.g. a duplicate and its survivor) and the id as written.
 */
function rowOn(r: Referral, id: number, ctx: CountingContext): { status: string | null; rowChildId: number } {
  let rowChildId = id;
  let found = false;
  for (const row of r.children) {
    if (!row || row.child_id === null || row.child_id === undefined || ctx.survivorOf(row.child_id) !== id) continue;
    const status = row.legal_status && row.legal_status.trim() ? row.legal_status : null;
    if (status !== null) return { status, rowChildId: row.child_id };
    if (!found) {
      found = true;
      rowChildId = row.child_id;
    }
  }
  return { status: null, rowChildId };
}

function characteristics(population: ChildPopulationKey, kids: ChildPopulation, ctx: CountingContext): Breakdown[] {
  if (!ctx.childBreakdowns) return [];
  const t: Record<ChildDimension, Tally> = {
    ageBand: new Tally(),
    sex: new Tally(),
    ethnicityGroup: new Tally(),
    ethnicity: new Tally(),
    disability: new Tally(),
    legalStatus: new Tally(),
  };
  for (const [id, { referral }] of kids) {
    const { status, rowChildId } = rowOn(referral, id, ctx);
    const child = ctx.childById.get(id) ?? ctx.childById.get(rowChildId);
    t.ageBand.add(child ? ageBand(child.date_of_birth, child.expected_date_of_birth, referral.referral_date) : NR, id);
    t.sex.add(codeOf(child?.sex), id);
    const eth = codeOf(child?.ethnicity);
    t.ethnicity.add(eth, id);
    t.ethnicityGroup.add(ctx.coding.groupOf(eth), id);
    t.disability.add(disabilityCodeOf(child?.disabilities), id);
    t.legalStatus.add(legalStatusCodeOf(status, child), id);
  }
  return Object.values(childBreakdowns(population, t, ctx.coding));
}

/** A population counted in FGCs and in children, with the children's characteristics. */
export function populationWithChildren(
  key: ChildPopulationKey,
  referrals: readonly Referral[],
  ctx: CountingContext,
): { population: Population; characteristics: Breakdown[] } {
  const kids = earliestRows(referrals, ctx.survivorOf);
  const childIds = Array.from(kids.keys());
  return {
    population: { ...fgcPopulation(key, referrals), children: childIds.length, childIds },
    characteristics: characteristics(key, kids, ctx),
  };
}
