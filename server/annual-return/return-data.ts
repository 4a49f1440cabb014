import type { Knex } from 'knex';
import { financialYear } from '../common/dates.js';
import { loadCodeLists } from '../codes/code-lists.js';
import type { Child, Referral, ReferralChild } from '../cases/types.js';

const bool = (v: unknown) => (v === null || v === undefined ? null : !!v);
const BOOLEAN_FIELDS = ['advocate_used', 'interpreter_used', 'private_family_time', 'plan_agreed'] as const;

/** Referrals with any step in the period: only these can appear in that year's return. */
export function activeIn(db: Knex, from: string, to: string) {
  return db('referrals')
    .select('id')
    .where((w) => {
      for (const col of ['referral_date', 'offer_date', 'consent_date', 'initial_fgc_date', 'closure_date']) w.orWhereBetween(col, [from, to]);
      w.orWhereIn('id', db('review_conferences').select('referral_id').whereBetween('review_date', [from, to]));
    });
}

/**
 * Loads the plain case data the counting module needs for one reporting year: the
 * referrals active in the year, their children, and the survivors of merged children.
 */
export async function loadCaseData(db: Knex, period: { from: string; to: string }): Promise<{ referrals: Referral[]; children: Child[] }> {
  const ids = activeIn(db, period.from, period.to);
  const [rows, links, reviews, content] = await Promise.all([
    db('referrals').select('*').whereIn('id', ids),
    db('referral_children').select('*').whereIn('referral_id', ids),
    db('review_conferences').select('referral_id', 'review_date').whereIn('referral_id', ids).orderBy('review_date'),
    db('referral_plan_content').select('referral_id', 'code').whereIn('referral_id', ids),
  ]);
  const byId = new Map<number, Referral>();
  const referrals = rows.map((r: any) => {
    const referral = { ...r, children: [] as ReferralChild[], plan_content: [] as string[], review_dates: [] as string[] };
    for (const f of BOOLEAN_FIELDS) referral[f] = bool(r[f]);
    byId.set(r.id, referral);
    return referral as Referral;
  });
  for (const l of links) {
    const { referral_id, ...rest } = l;
    byId.get(referral_id)?.children.push(rest);
  }
  for (const r of reviews) byId.get(r.referral_id)?.review_dates.push(r.review_date);
  for (const c of content) byId.get(c.referral_id)?.plan_content.push(c.code);

  const childIds = db('referral_children').select('child_id').whereIn('referral_id', ids);
  const children = await loadChildrenWhere(db, (q) => q.whereIn('id', childIds));
  // Follow merges to the surviving records, which carry the counted characteristics.
  const have = new Set(children.map((c) => c.id));
  let missing = [...new Set(children.map((c) => c.merged_into_id).filter((id): id is number => !!id && !have.has(id)))];
  while (missing.length) {
    const more = await loadChildrenWhere(db, (q) => q.whereIn('id', missing));
    for (const c of more) have.add(c.id);
    children.push(...more);
    missing = [...new Set(more.map((c) => c.merged_into_id).filter((id): id is number => !!id && !have.has(id)))];
  }
  return { referrals, children };
}

async function loadChildrenWhere(db: Knex, where: (q: Knex.QueryBuilder) => Knex.QueryBuilder): Promise<Child[]> {
  const rows = await where(db('children').select('id', 'family_id', 'child_ref', 'cms_id', 'date_of_birth', 'expected_date_of_birth',
    'sex', 'ethnicity', 'disability_self_reported', 'merged_into_id', 'version'));
  if (!rows.length) return [];
  const disabilities = await db('child_disabilities').select('child_id', 'code').whereIn('child_id', where(db('children').select('id')));
  const byChild = new Map<number, string[]>();
  for (const d of disabilities) (byChild.get(d.child_id) ?? byChild.set(d.child_id, []).get(d.child_id)!).push(d.code);
  // Names never leave the database for counting.
  return rows.map((r: any) => ({ ...r, first_name: null, last_name: null, disability_self_reported: bool(r.disability_self_reported), disabilities: byChild.get(r.id) ?? [] }));
}

export async function loadReturnInput(db: Knex, year: number) {
  const [data, codes] = await Promise.all([loadCaseData(db, financialYear(year)), loadCodeLists(db)]);
  return { year, ...data, codes };
}
