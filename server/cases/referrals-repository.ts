import type { Knex } from 'knex';
import type { Referral, ReferralChild } from './types.js';
import { auditChanges, type AuditContext, type AuditValue } from '../audit/audit.js';
import { insertReturningId, nowIso, refFor, updateWithVersion } from './locking.js';
import { OUTCOME_FIELDS } from './stages.js';
import { whereIdIn } from '../common/id-lists.js';
import { arrayRows } from '../common/array-rows.js';

/** Columns of the referrals table that forms and imports may write. */
export const REFERRAL_FIELDS = [
  'referral_date', 'referral_source', 'stage_offered', 'coordinator_id', 'coordinator_name', 'lbp_date',
  'offer_date', 'offered_by', 'offer_method',
  'consent_decision', 'consent_date', 'decline_reason', 'consent_withdrawn_date',
  'initial_fgc_date', 'fgc_not_held_reason', 'attend_parents', 'attend_maternal', 'attend_paternal', 'attend_friends',
  'attend_professionals', 'child_participation', 'advocate_used', 'interpreter_used', 'private_family_time',
  'plan_agreed', 'plan_date', 'plan_sent_date', 'plan_uploaded_date',
  'closure_date', 'closure_reason', 'family_feedback', 'professional_feedback',
] as const;
const BOOLEAN_FIELDS = ['advocate_used', 'interpreter_used', 'private_family_time', 'plan_agreed'];

const bool = (v: unknown) => (v === null || v === undefined ? null : !!v);

/** The columns of a referral's link to a child. */
const LINK_FIELDS = ['legal_status', ...OUTCOME_FIELDS] as const;
const LINK_COLUMNS = ['child_id', ...LINK_FIELDS] as const;

/** The columns of a referral read in bulk, in the order referralOf takes them. */
const REFERRAL_KEYS = ['id', 'referral_ref', 'family_id', ...REFERRAL_FIELDS, 'version', 'family_ref'] as const;

/** A referral from a row of REFERRAL_KEYS (arrayRows), in one shape whatever was read. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a row's values, typed by the columns they come from
function referralOf(a: any[]): CaseReferral {
  return {
    id: a[0], referral_ref: a[1], family_id: a[2], referral_date: a[3], referral_source: a[4], stage_offered: a[5], coordinator_id: a[6],
    coordinator_name: a[7], lbp_date: a[8], offer_date: a[9], offered_by: a[10], offer_method: a[11], consent_decision: a[12], consent_date: a[13],
    decline_reason: a[14], consent_withdrawn_date: a[15], initial_fgc_date: a[16], fgc_not_held_reason: a[17], attend_parents: a[18],
    attend_maternal: a[19], attend_paternal: a[20], attend_friends: a[21], attend_professionals: a[22], child_participation: a[23],
    advocate_used: bool(a[24]), interpreter_used: bool(a[25]), private_family_time: bool(a[26]), plan_agreed: bool(a[27]), plan_date: a[28],
    plan_sent_date: a[29], plan_uploaded_date: a[30], closure_date: a[31], closure_reason: a[32], family_feedback: a[33],
    professional_feedback: a[34], version: a[35], family_ref: a[36],
    children: [], plan_content: [], review_dates: [],
  };
}
// referralOf takes each column from its place in REFERRAL_KEYS: a field added to one and not the other fails at start-up.
{
  const probe = referralOf(REFERRAL_KEYS.map((_, i) => i)) as unknown as Record<string, unknown>;
  const misplaced = REFERRAL_KEYS.filter((k, i) => !(probe[k] === i || (BOOLEAN_FIELDS.includes(k) && probe[k] === bool(i))));
  if (misplaced.length || Object.keys(probe).length !== REFERRAL_KEYS.length + 3) throw new Error(`referralOf does not match REFERRAL_KEYS: ${misplaced.join(', ')}`);
}

/**
 * Gives each referral its children's rows (by child id), plan content (by code) and review
 * dates (in date order): one query for the three lists of all the referrals, by their ids.
 */
async function withLists(db: Knex, referrals: CaseReferral[], every: boolean): Promise<CaseReferral[]> {
  if (!referrals.length) return referrals;
  const byId = new Map(referrals.map((r) => [r.id, r]));
  const ids = [...byId.keys()];
  // every referral: each list read whole, no need to name the ids
  const of = (q: Knex.QueryBuilder) => (every ? q : whereIdIn(db, q, 'referral_id', ids));
  // The three lists in one query, each row saying which list it is in (0 children, 1 plan
  // content, 2 reviews); unordered (an order would cost a sort of every row): each referral's
  // few are sorted below.
  // (a plan code and a review date take the legal status's place: text in text)
  const list = (kind: number, table: string, value?: string) => of(db(table).select('referral_id', db.raw(`${kind} as kind`),
    ...(value ? [db.raw('null as child_id'), `${value} as legal_status`, ...OUTCOME_FIELDS.map(() => db.raw('null'))] : LINK_COLUMNS)));
  const rows = await arrayRows(db, list(0, 'referral_children').unionAll(list(1, 'referral_plan_content', 'code')).unionAll(list(2, 'review_conferences', 'review_date')),
    ['referral_id', 'kind', ...LINK_COLUMNS]) as [number, number, ...(string | number | null)[]][];
  for (const l of rows) {
    const r = byId.get(l[0]);
    if (!r) continue;
    if (l[1] === 0) {
      r.children.push({
        child_id: l[2] as number, legal_status: l[3] as string | null, outcome_6m_legal_status: l[4] as string | null, outcome_6m_living: l[5] as string | null,
        outcome_12m_legal_status: l[6] as string | null, outcome_12m_living: l[7] as string | null,
      });
    } else if (l[1] === 1) r.plan_content.push(l[3] as string);
    else r.review_dates.push(l[3] as string);
  }
  for (const r of referrals) {
    if (r.children.length > 1) r.children.sort((a, b) => a.child_id - b.child_id);
    if (r.plan_content.length > 1) r.plan_content.sort();
    if (r.review_dates.length > 1) r.review_dates.sort();
  }
  return referrals;
}

/** Referrals with any step dated in the period (the query picks them; add the select): only these can appear in that period's figures. */
export function activeIn(db: Knex, period: { from: string; to: string }, alias = 'referrals'): Knex.QueryBuilder {
  const c = (column: string) => `${alias}.${column}`;
  return db(alias === 'referrals' ? 'referrals' : `referrals as ${alias}`).where((w) => {
    for (const col of ['referral_date', 'offer_date', 'consent_date', 'initial_fgc_date', 'closure_date']) w.orWhereBetween(c(col), [period.from, period.to]);
    w.orWhereIn(c('id'), db('review_conferences').select('referral_id').whereBetween('review_date', [period.from, period.to]));
  });
}

/** A referral with its family's reference, as the bulk reads give it. */
export type CaseReferral = Referral & { family_ref: string };

/** Which referrals to read. */
export interface ReferralWhere {
  ids?: readonly number[];
  family_id?: number;
  /** any step dated in the period (activeIn) */
  active?: { from: string; to: string };
  /** narrows the query further (the referrals table is `r`): the insight filters */
  narrow?: (q: Knex.QueryBuilder) => void;
  /** the fields to read (the others are null): INSIGHT_FIELDS for the insight pages; every field by default */
  fields?: readonly ReferralField[];
}

type ReferralField = (typeof REFERRAL_FIELDS)[number];
const isField = (c: string): c is ReferralField => (REFERRAL_FIELDS as readonly string[]).includes(c);

/**
 * The fields the insight pages' figures read: their steps, codes and dates, not attendance,
 * feedback or free text. Reading fewer columns is most of what makes a large selection quick.
 */
export const INSIGHT_FIELDS: readonly ReferralField[] = [
  'referral_date', 'referral_source', 'stage_offered', 'coordinator_id', 'offer_date', 'consent_decision', 'consent_date', 'decline_reason',
  'consent_withdrawn_date', 'initial_fgc_date', 'fgc_not_held_reason', 'plan_agreed', 'plan_date', 'plan_sent_date', 'closure_date',
];

/**
 * Referrals with their family's reference, children, plan content and review dates. Newest
 * first (referral date, then id) for a family or some ids; a period's or the whole database's
 * in id order.
 */
export async function loadReferrals(db: Knex, where: ReferralWhere): Promise<CaseReferral[]> {
  // fields not asked for are read as null: every referral has one shape
  const read = (c: string) => (c === 'family_ref' ? 'f.family_ref' : !where.fields || !isField(c) || where.fields.includes(c) ? `r.${c}` : db.raw('null as ??', [c]));
  const q = (where.active ? activeIn(db, where.active, 'r') : db('referrals as r')).join('families as f', 'f.id', 'r.family_id')
    .select(REFERRAL_KEYS.map(read));
  if (where.ids) {
    if (!where.ids.length) return [];
    whereIdIn(db, q, 'r.id', where.ids);
  }
  if (where.family_id !== undefined) q.where('r.family_id', where.family_id);
  where.narrow?.(q);
  const referrals = (await arrayRows(db, q, REFERRAL_KEYS)).map(referralOf);
  if (where.family_id !== undefined || where.ids) {
    referrals.sort((a, b) => (a.referral_date < b.referral_date ? 1 : a.referral_date > b.referral_date ? -1 : b.id - a.id));
  } else referrals.sort((a, b) => a.id - b.id);
  const every = !where.active && !where.ids && where.family_id === undefined && !where.narrow;
  return withLists(db, referrals, every);
}

export async function loadReferral(db: Knex, id: number): Promise<Referral | undefined> {
  return (await loadReferrals(db, { ids: [id] }))[0];
}

export type ReferralFields = Partial<Pick<Referral, (typeof REFERRAL_FIELDS)[number]>>;

const pickFields = (r: Record<string, unknown>) =>
  Object.fromEntries(REFERRAL_FIELDS.filter((f) => f in r).map((f) => [f, r[f]])) as Record<string, AuditValue>;

export async function createReferral(
  trx: Knex.Transaction,
  ctx: AuditContext,
  familyId: number,
  referralRef: string | null,
  fields: ReferralFields & { referral_date: string },
  children: { child_id: number; legal_status: string | null }[],
): Promise<number> {
  const at = nowIso();
  const id = await insertReturningId(trx, 'referrals', {
    ...pickFields(fields), family_id: familyId, referral_ref: referralRef || `pending-${at}-${Math.random()}`, version: 1, created_at: at, updated_at: at,
  });
  const ref = referralRef || refFor('R', id);
  if (!referralRef) await trx('referrals').where({ id }).update({ referral_ref: ref });
  const audit = { ...ctx, familyId, referralId: id };
  await auditChanges(trx, audit, 'referral', id, 'create', {}, { referral_ref: ref, ...pickFields(fields) });
  await setReferralChildren(trx, audit, id, [], children);
  return id;
}

/** Saves one stage's fields under optimistic locking, with an audit row per changed field. */
export async function updateReferral(
  trx: Knex.Transaction,
  ctx: AuditContext,
  before: Referral,
  version: number,
  fields: ReferralFields,
  extra: { plan_content?: string[] } = {},
): Promise<void> {
  await updateWithVersion(trx, 'referrals', before.id, version, pickFields(fields));
  const audit = { ...ctx, familyId: before.family_id, referralId: before.id };
  const after: Record<string, AuditValue> = pickFields(fields);
  const prior: Record<string, AuditValue> = pickFields(before as unknown as Record<string, unknown>);
  if (extra.plan_content) {
    after.plan_content = extra.plan_content;
    prior.plan_content = before.plan_content;
    await trx('referral_plan_content').where({ referral_id: before.id }).delete();
    if (extra.plan_content.length) await trx('referral_plan_content').insert(extra.plan_content.map((code) => ({ referral_id: before.id, code })));
  }
  await auditChanges(trx, audit, 'referral', before.id, 'update', prior, after);
}

/** Adds, removes and updates the children on a referral (legal status, outcomes). */
export async function setReferralChildren(
  trx: Knex.Transaction,
  ctx: AuditContext,
  referralId: number,
  before: ReferralChild[],
  after: Partial<ReferralChild>[] & { child_id: number }[],
): Promise<void> {
  const prior = new Map(before.map((c) => [c.child_id, c]));
  const next = new Set(after.map((c) => c.child_id));
  for (const c of before) {
    if (next.has(c.child_id)) continue;
    await trx('referral_children').where({ referral_id: referralId, child_id: c.child_id }).delete();
    await auditChanges(trx, { ...ctx, referralId, childId: c.child_id }, 'referral_child', c.child_id, 'delete', { on_referral: 'Yes' }, { on_referral: null });
  }
  for (const c of after) {
    const old = prior.get(c.child_id);
    const values: Record<string, string | null> = Object.fromEntries(LINK_FIELDS.filter((f) => f in c).map((f) => [f, c[f] ?? null]));
    if (old) {
      const changed = Object.keys(values).some((f) => old[f as (typeof LINK_FIELDS)[number]] !== values[f]);
      if (!changed) continue;
      await trx('referral_children').where({ referral_id: referralId, child_id: c.child_id }).update(values);
      await auditChanges(trx, { ...ctx, referralId, childId: c.child_id }, 'referral_child', c.child_id, 'update', { ...old }, values);
    } else {
      await trx('referral_children').insert({ referral_id: referralId, child_id: c.child_id, ...values });
      await auditChanges(trx, { ...ctx, referralId, childId: c.child_id }, 'referral_child', c.child_id, 'create', {}, { on_referral: 'Yes', ...values });
    }
  }
}

/** Bumps the referral's version when a change touches only its child rows or reviews. */
export async function touchReferral(trx: Knex.Transaction, id: number, version: number): Promise<void> {
  await updateWithVersion(trx, 'referrals', id, version, {});
}

export async function addReview(trx: Knex.Transaction, ctx: AuditContext, referral: Referral, version: number, review: { review_date: string; plan_working: boolean | null }) {
  await touchReferral(trx, referral.id, version);
  const id = await insertReturningId(trx, 'review_conferences', { referral_id: referral.id, ...review, created_at: nowIso() });
  await auditChanges(trx, { ...ctx, familyId: referral.family_id, referralId: referral.id }, 'review', id, 'create', {}, review);
}
