import type { Knex } from 'knex';
import { activeIn, type CaseData } from '../annual-return/return-data.js';
import { eachRow, interner, selectArrays, whereIdIn, type Intern } from '../common/array-rows.js';
import type { DatasetChild, DatasetReferral, QualityDataset } from './evaluate.js';
import type { ReferralChildFacts } from './types.js';
import { prepared } from '../../db/prepared-statements.js';
import type { Child, Family, Referral } from '../cases/types.js';

// Set-based loading for the quality run: a few queries whatever the size of the database,
// only the columns the rules read, rows fetched as arrays and turned into objects of one
// shape (which V8 handles far faster than driver row objects), then rules run in memory.

export { selectArrays } from '../common/array-rows.js';

/** A CMS id compared without case or spaces, in SQL (both databases index this expression). */
const CMS_KEY = "upper(replace(cms_id, ' ', ''))";

export interface LoadScope {
  /** referrals with any step in the period, and the children on them */
  period?: { from: string; to: string };
  /** one family (the family and referral pages) */
  familyId?: number;
}

const bool = (v: unknown) => (v === null || v === undefined ? null : !!v);
const num = (v: unknown) => (v === null || v === undefined ? null : Number(v));

/**
 * Referrals (with their children and review dates) and children in scope: the whole
 * database, a period, or one family.
 */
export async function loadQualityDataset(db: Knex, scope: LoadScope = {}): Promise<QualityDataset> {
  // A period or a family is picked by one query, then everything is fetched by id (one
  // query each, indexed lookups); the whole database is read table by table. Rows are
  // handed over one at a time (eachRow), so no array of every row is held.
  let referralIds: number[] | null = null;
  if (scope.period) referralIds = (await selectArrays(db, activeIn(db, scope.period.from, scope.period.to).select('id'))).map((a) => Number(a[0]));
  if (scope.familyId !== undefined) referralIds = (await selectArrays(db, db('referrals').select('id').where({ family_id: scope.familyId }))).map((a) => Number(a[0]));
  if (referralIds && !referralIds.length) return { referrals: [], children: scope.familyId !== undefined ? await loadChildren(db, scope, []) : [] };
  const each = (q: Knex.QueryBuilder, column: string, row: (a: any[]) => void) => eachRow(db, referralIds ? whereIdIn(db, q, column, referralIds) : q, row);

  const s = interner();
  const referrals: DatasetReferral[] = [];
  const byId = new Map<number, DatasetReferral>();
  await each(db('referrals as r').join('families as f', 'f.id', 'r.family_id').select(
    'r.id', 'r.family_id', 'r.referral_ref', 'f.family_ref', 'r.referral_date', 'r.offer_date', 'r.consent_decision', 'r.consent_date',
    'r.decline_reason', 'r.consent_withdrawn_date', 'r.initial_fgc_date', 'r.fgc_not_held_reason', 'r.plan_agreed', 'r.plan_date',
    'r.plan_sent_date', 'r.plan_uploaded_date', 'r.closure_date',
  ), 'r.id', (a) => { // unordered (SQLite would sort): sorted below, cheaper in memory
    const r: DatasetReferral = {
      id: Number(a[0]), family_id: Number(a[1]), referral_ref: a[2], family_ref: s(a[3]), referral_date: s(a[4]), offer_date: s(a[5]),
      consent_decision: s(a[6]), consent_date: s(a[7]), decline_reason: s(a[8]), consent_withdrawn_date: s(a[9]), initial_fgc_date: s(a[10]),
      fgc_not_held_reason: s(a[11]), plan_agreed: bool(a[12]), plan_date: s(a[13]), plan_sent_date: s(a[14]), plan_uploaded_date: s(a[15]),
      closure_date: s(a[16]), children: [], review_dates: [],
    };
    referrals.push(r);
    byId.set(r.id, r);
  });
  referrals.sort((a, b) => a.id - b.id);

  const onReferrals: number[] = [];
  await each(db('referral_children').select('referral_id', 'child_id', 'legal_status',
    'outcome_6m_legal_status', 'outcome_6m_living', 'outcome_12m_legal_status', 'outcome_12m_living'), 'referral_id', (a) => {
    const link: ReferralChildFacts = { child_id: Number(a[1]), legal_status: s(a[2]), outcome_6m_legal_status: s(a[3]), outcome_6m_living: s(a[4]),
      outcome_12m_legal_status: s(a[5]), outcome_12m_living: s(a[6]) };
    byId.get(Number(a[0]))?.children!.push(link);
    if (scope.period) onReferrals.push(link.child_id);
  });

  let reviews = 0;
  await each(db('review_conferences').select('referral_id', 'review_date'), 'referral_id', (a) => {
    byId.get(Number(a[0]))?.review_dates.push(s(a[1]));
    reviews++;
  });
  if (reviews) for (const r of referrals) if (r.review_dates.length > 1) r.review_dates.sort();
  return { referrals, children: await loadChildren(db, scope, onReferrals, s) };
}

/** A family's page shows all its children; a period has the children on its referrals; else every child. */
async function loadChildren(db: Knex, scope: LoadScope, onReferrals: number[], s: Intern = interner()): Promise<DatasetChild[]> {
  const q = db('children as c').join('families as f', 'f.id', 'c.family_id').select('c.id', 'c.family_id', 'c.child_ref', 'f.family_ref',
    'c.cms_id', 'c.date_of_birth', 'c.expected_date_of_birth', 'c.ethnicity', 'c.merged_into_id');
  if (scope.familyId !== undefined) q.where('c.family_id', scope.familyId);
  else if (scope.period) {
    if (!onReferrals.length) return [];
    whereIdIn(db, q, 'c.id', [...new Set(onReferrals)]);
  }
  const children: DatasetChild[] = [];
  await eachRow(db, q, (a) => {
    children.push({ id: Number(a[0]), family_id: Number(a[1]), child_ref: a[2], family_ref: s(a[3]), cms_id: a[4], date_of_birth: s(a[5]),
      expected_date_of_birth: s(a[6]), ethnicity: s(a[7]), merged_into_id: num(a[8]) });
  });
  children.sort((a, b) => a.id - b.id);
  return children;
}

/**
 * The quality dataset of a period from the annual return's case data for it (the same
 * referrals, any step in the period), so the year's return reads its rows once: the
 * referrals, and the children on them (not the records they were merged into, which a
 * period's run does not check), both by id.
 */
export function qualityDatasetOf(data: CaseData): QualityDataset {
  const onReferrals = new Set<number>();
  for (const r of data.referrals) for (const l of r.children) onReferrals.add(l.child_id);
  const referrals: DatasetReferral[] = [...data.referrals].sort((a, b) => a.id - b.id);
  const children: DatasetChild[] = data.children.filter((c) => onReferrals.has(c.id)).sort((a, b) => a.id - b.id);
  return { referrals, children };
}

/**
 * One family's quality dataset from its records as the family page loads them, the same facts
 * loadQualityDataset({ familyId }) reads (so the page needs no second read of them): referrals
 * and children by id, each referral's children and review dates. Pure.
 */
export function familyDataset(family: Family, children: readonly Child[], referrals: readonly Referral[]): QualityDataset {
  return {
    referrals: referrals.map((r): DatasetReferral => ({
      id: r.id, family_id: r.family_id, referral_ref: r.referral_ref, family_ref: family.family_ref, referral_date: r.referral_date,
      offer_date: r.offer_date, consent_decision: r.consent_decision, consent_date: r.consent_date, decline_reason: r.decline_reason,
      consent_withdrawn_date: r.consent_withdrawn_date, initial_fgc_date: r.initial_fgc_date, fgc_not_held_reason: r.fgc_not_held_reason,
      plan_agreed: r.plan_agreed, plan_date: r.plan_date, plan_sent_date: r.plan_sent_date, plan_uploaded_date: r.plan_uploaded_date,
      closure_date: r.closure_date,
      children: r.children.map((l) => ({ child_id: l.child_id, legal_status: l.legal_status, outcome_6m_legal_status: l.outcome_6m_legal_status,
        outcome_6m_living: l.outcome_6m_living, outcome_12m_legal_status: l.outcome_12m_legal_status, outcome_12m_living: l.outcome_12m_living })),
      review_dates: [...r.review_dates],
    })).sort((a, b) => a.id - b.id),
    children: children.map((c): DatasetChild => ({
      id: c.id, family_id: c.family_id, child_ref: c.child_ref, family_ref: family.family_ref, cms_id: c.cms_id, date_of_birth: c.date_of_birth,
      expected_date_of_birth: c.expected_date_of_birth, ethnicity: c.ethnicity, merged_into_id: c.merged_into_id,
    })).sort((a, b) => a.id - b.id),
  };
}

/**
 * Live children whose CMS id (compared without case or spaces) is on another live child
 * too: found with one grouped scan, so a period's run need not read every child. The scan
 * reads the index on (key, merged_into_id, cms_id) alone (migration 009).
 */
export async function loadSharedCmsIds(db: Knex): Promise<{ id: number; cms_id: string; child_ref: string; merged_into_id: null }[]> {
  const key = db.raw(CMS_KEY);
  const shared = db('children').select(key).whereNotNull('cms_id').whereNull('merged_into_id').groupBy(key as any).havingRaw('count(*) > 1');
  const rows = await selectArrays(db, db('children').select('id', 'cms_id', 'child_ref').whereNull('merged_into_id').whereIn(key as any, shared));
  return (rows as any[][]).map((a) => ({ id: Number(a[0]), cms_id: a[1], child_ref: a[2], merged_into_id: null }));
}

/** Every live child with a CMS id, for the duplicate CMS id rule (which looks across the database). */
export async function loadCmsIds(db: Knex, only?: string[]): Promise<{ id: number; cms_id: string; child_ref: string; merged_into_id: null }[]> {
  const q = db('children').select('id', 'cms_id', 'child_ref').whereNotNull('cms_id').whereNull('merged_into_id');
  if (only) {
    if (!only.length) return [];
    // Matches normaliseCmsId for ids whose only whitespace is spaces, which is all of them in practice.
    prepared(q.whereIn(db.raw(CMS_KEY) as any, only));
  }
  const rows = await selectArrays(db, q);
  return (rows as any[][]).map((a) => ({ id: Number(a[0]), cms_id: a[1], child_ref: a[2], merged_into_id: null }));
}

export async function loadCmsIdPattern(db: Knex): Promise<string | null> {
  const row = await db('service_settings').select('value').where({ key: 'cms_id_pattern' }).first();
  return row?.value ?? null;
}
