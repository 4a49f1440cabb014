import type { Knex } from 'knex';
import type { Referral, ReferralChild } from './types.js';
import { auditChanges, type AuditContext, type AuditValue } from '../audit/audit.js';
import { insertReturningId, nowIso, refFor, updateWithVersion } from './locking.js';
import { OUTCOME_FIELDS } from './stages.js';
import { isPostgres } from '../../db/connection.js';
import { whereIdIn } from '../common/id-lists.js';
import { jsonRows } from '../common/json-rows.js';

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
const LINK_COLUMNS = ['child_id', 'legal_status', ...OUTCOME_FIELDS] as const;

/** Every key of a referral read in bulk, in one order (so every referral has one shape), lists aside. */
const REFERRAL_KEYS = ['id', 'referral_ref', 'family_id', ...REFERRAL_FIELDS, 'version', 'family_ref'] as const;
const BOOLEAN_KEYS = new Set<string>(BOOLEAN_FIELDS);

/** A referral from a row of `columns` (jsonRows); fields not read are null. */
function referralOf(a: readonly unknown[], at: readonly number[]): CaseReferral {
  const out: Record<string, unknown> = {};
  for (let k = 0; k < REFERRAL_KEYS.length; k++) {
    const v = at[k] < 0 ? null : a[at[k]] ?? null;
    out[REFERRAL_KEYS[k]] = BOOLEAN_KEYS.has(REFERRAL_KEYS[k]) ? bool(v) : v;
  }
  out.children = [];
  out.plan_content = [];
  out.review_dates = [];
  return out as unknown as CaseReferral;
}

/**
 * Gives each referral its children's rows (by child id), plan content (by code) and review
 * dates (in date order): one query per list for all the referrals, by their ids.
 */
async function withLists(db: Knex, referrals: CaseReferral[]): Promise<CaseReferral[]> {
  if (!referrals.length) return referrals;
  const byId = new Map(referrals.map((r) => [r.id, r]));
  const ids = [...byId.keys()];
  const of = (q: Knex.QueryBuilder) => whereIdIn(db, q, 'referral_id', ids);
  // unordered (an order would cost the database a sort of every row): each referral's few are sorted below
  const [links, codes, reviews] = await Promise.all([
    jsonRows(db, of(db('referral_children').select('referral_id', ...LINK_COLUMNS)), ['referral_id', ...LINK_COLUMNS]),
    jsonRows(db, of(db('referral_plan_content').select('referral_id', 'code')), ['referral_id', 'code']),
    jsonRows(db, of(db('review_conferences').select('referral_id', 'review_date')), ['referral_id', 'review_date']),
  ]) as [[number, number, ...(string | null)[]][], [number, string][], [number, string][]];
  for (const l of links) {
    byId.get(l[0])?.children.push({
      child_id: l[1], legal_status: l[2], outcome_6m_legal_status: l[3], outcome_6m_living: l[4], outcome_12m_legal_status: l[5], outcome_12m_living: l[6],
    });
  }
  for (const [id, code] of codes) byId.get(id)?.plan_content.push(code);
  for (const [id, date] of reviews) byId.get(id)?.review_dates.push(date);
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
  /** only those whose initial FGC took place */
  fgcHeld?: boolean;
  /** narrows the query further (the referrals table is `r`): the insight filters */
  narrow?: (q: Knex.QueryBuilder) => void;
  /** the fields to read (the others are null): INSIGHT_FIELDS for the insight pages; every field by default */
  fields?: readonly ReferralField[];
}

type ReferralField = (typeof REFERRAL_FIELDS)[number];

/**
 * The fields the insight pages' figures read: their steps, codes and dates, not attendance,
 * feedback or free text. Reading fewer columns is most of what makes a large selection quick.
 */
export const INSIGHT_FIELDS: readonly ReferralField[] = [
  'referral_date', 'referral_source', 'stage_offered', 'coordinator_id', 'offer_date', 'consent_decision', 'consent_date', 'decline_reason',
  'consent_withdrawn_date', 'initial_fgc_date', 'fgc_not_held_reason', 'plan_agreed', 'plan_date', 'plan_sent_date', 'closure_date',
];

/** The columns read: the referral's keys and version, and its fields (named, so a new column is read only when added to REFERRAL_FIELDS). */
const readColumns = (fields: readonly string[]) => ['id', 'referral_ref', 'family_id', ...fields, 'version'].map((c) => `r.${c}`);

/**
 * Referrals with their family's reference, children, plan content and review dates. Newest
 * first (referral date, then id) for a family or some ids; a period's or the whole database's
 * in id order.
 */
export async function loadReferrals(db: Knex, where: ReferralWhere): Promise<CaseReferral[]> {
  const columns = ['id', 'referral_ref', 'family_id', ...(where.fields ?? REFERRAL_FIELDS), 'version'];
  const q = (where.active ? activeIn(db, where.active, 'r') : db('referrals as r')).join('families as f', 'f.id', 'r.family_id')
    .select(...columns.map((c) => `r.${c}`), 'f.family_ref');
  if (where.ids) {
    if (!where.ids.length) return [];
    whereIdIn(db, q, 'r.id', where.ids);
  }
  if (where.family_id !== undefined) q.where('r.family_id', where.family_id);
  if (where.fgcHeld) q.whereNotNull('r.initial_fgc_date').whereNot('r.initial_fgc_date', '');
  where.narrow?.(q);
  const read = [...columns, 'family_ref'];
  const at = REFERRAL_KEYS.map((k) => read.indexOf(k));
  const referrals = (await jsonRows(db, q, read)).map((a) => referralOf(a, at));
  if (where.family_id !== undefined || where.ids) {
    referrals.sort((a, b) => (a.referral_date < b.referral_date ? 1 : a.referral_date > b.referral_date ? -1 : b.id - a.id));
  } else referrals.sort((a, b) => a.id - b.id);
  return withLists(db, referrals);
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
  const prior: Record<string, AuditValue> = pickFields(before as any);
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
    const values = Object.fromEntries(['legal_status', ...OUTCOME_FIELDS].filter((f) => f in c).map((f) => [f, (c as any)[f] ?? null]));
    if (old) {
      const changed = Object.keys(values).some((f) => (old as any)[f] !== values[f]);
      if (!changed) continue;
      await trx('referral_children').where({ referral_id: referralId, child_id: c.child_id }).update(values);
      await auditChanges(trx, { ...ctx, referralId, childId: c.child_id }, 'referral_child', c.child_id, 'update', old as any, values);
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
