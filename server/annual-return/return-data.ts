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

// Every column counting, insight and extracts use; free-text feedback stays in the database.
const REFERRAL_COLUMNS = ['id', 'referral_ref', 'family_id', 'referral_date', 'referral_source', 'stage_offered', 'coordinator_id', 'lbp_date',
  'offer_date', 'consent_decision', 'consent_date', 'decline_reason', 'consent_withdrawn_date', 'initial_fgc_date', 'fgc_not_held_reason',
  'attend_parents', 'attend_maternal', 'attend_paternal', 'attend_friends', 'attend_professionals', 'child_participation', 'advocate_used',
  'interpreter_used', 'private_family_time', 'plan_agreed', 'plan_date', 'plan_sent_date', 'plan_uploaded_date', 'closure_date', 'version'];

/** Runs a query per chunk of ids (bound parameters stay under SQLite's and PostgreSQL's limits). */
export async function inChunks<T>(ids: number[], query: (chunk: number[]) => Promise<T[]>, size = 5000): Promise<T[]> {
  const out: T[] = [];
  for (let i = 0; i < ids.length; i += size) out.push(...(await query(ids.slice(i, i + size))));
  return out;
}

/**
 * Loads the plain case data the counting module needs for one reporting year: the
 * referrals active in the year, their children, and the survivors of merged children.
 * One scan picks the referrals; everything else is fetched by id in chunks, which both
 * databases answer from their indexes.
 */
export async function loadCaseData(db: Knex, period: { from: string; to: string }): Promise<{ referrals: Referral[]; children: Child[] }> {
  const { from, to } = period;
  const reviewed = db('review_conferences').select('referral_id').whereBetween('review_date', [from, to]);
  const rows = await db('referrals').select(REFERRAL_COLUMNS).where((w) => {
    for (const col of ['referral_date', 'offer_date', 'consent_date', 'initial_fgc_date', 'closure_date']) w.orWhereBetween(col, [from, to]);
    w.orWhereIn('id', reviewed);
  });
  const ids = rows.map((r: any) => r.id as number);
  const [links, reviews, content] = await Promise.all([
    inChunks(ids, (c) => db('referral_children').select('*').whereIn('referral_id', c)),
    inChunks(ids, (c) => db('review_conferences').select('referral_id', 'review_date').whereIn('referral_id', c).orderBy('review_date')),
    inChunks(ids, (c) => db('referral_plan_content').select('referral_id', 'code').whereIn('referral_id', c)),
  ]);
  const byId = new Map<number, Referral>();
  const referrals = rows.map((r: any) => {
    const referral = { ...r, children: [] as ReferralChild[], plan_content: [] as string[], review_dates: [] as string[] };
    for (const f of BOOLEAN_FIELDS) referral[f] = bool(r[f]);
    byId.set(r.id, referral);
    return referral as Referral;
  });
  for (const l of links as any[]) {
    const { referral_id, ...rest } = l;
    byId.get(referral_id)?.children.push(rest);
  }
  for (const r of reviews as any[]) byId.get(r.referral_id)?.review_dates.push(r.review_date);
  for (const c of content as any[]) byId.get(c.referral_id)?.plan_content.push(c.code);

  const children = await loadChildrenByIds(db, [...new Set((links as any[]).map((l) => l.child_id as number))]);
  // Follow merges to the surviving records, which carry the counted characteristics.
  const have = new Set(children.map((c) => c.id));
  let missing = [...new Set(children.map((c) => c.merged_into_id).filter((id): id is number => !!id && !have.has(id)))];
  while (missing.length) {
    const more = await loadChildrenByIds(db, missing);
    for (const c of more) have.add(c.id);
    children.push(...more);
    missing = [...new Set(more.map((c) => c.merged_into_id).filter((id): id is number => !!id && !have.has(id)))];
  }
  return { referrals, children };
}

async function loadChildrenByIds(db: Knex, ids: number[]): Promise<Child[]> {
  const [rows, disabilities] = await Promise.all([
    inChunks(ids, (c) => db('children').select('id', 'family_id', 'child_ref', 'cms_id', 'date_of_birth', 'expected_date_of_birth',
      'sex', 'ethnicity', 'disability_self_reported', 'merged_into_id', 'version').whereIn('id', c)),
    inChunks(ids, (c) => db('child_disabilities').select('child_id', 'code').whereIn('child_id', c)),
  ]);
  const byChild = new Map<number, string[]>();
  for (const d of disabilities as any[]) (byChild.get(d.child_id) ?? byChild.set(d.child_id, []).get(d.child_id)!).push(d.code);
  // Names never leave the database for counting.
  return (rows as any[]).map((r) => ({ ...r, first_name: null, last_name: null, disability_self_reported: bool(r.disability_self_reported), disabilities: byChild.get(r.id) ?? [] }));
}

export async function loadReturnInput(db: Knex, year: number) {
  const [data, codes] = await Promise.all([loadCaseData(db, financialYear(year)), loadCodeLists(db)]);
  return { year, ...data, codes };
}
