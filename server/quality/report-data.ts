import type { Knex } from 'knex';
import type { DatasetChild, DatasetReferral, QualityDataset } from './evaluate.js';
import type { Child, Family, Referral } from '../cases/types.js';
import { loadCaseSet, type CaseSet } from '../cases/case-set.js';
import { loadReferrals } from '../cases/referrals-repository.js';
import { loadUnnamedChildren } from '../cases/children-repository.js';

// The quality run's records, read through the referral and child repositories (no names),
// then checked in memory by the rules.

/** A CMS id compared without case or spaces, in SQL (both databases index this expression). */
const CMS_KEY = "upper(replace(cms_id, ' ', ''))";

export interface LoadScope {
  /** referrals with any step in the period, and the children on them */
  period?: { from: string; to: string };
  /** one family (the family and referral pages) */
  familyId?: number;
}

const byId = <T extends { id: number }>(xs: T[]): T[] => xs.sort((a, b) => a.id - b.id);

/** Referrals (with their children and review dates) and children in scope: the whole database, a period, or one family. */
export async function loadQualityDataset(db: Knex, scope: LoadScope = {}): Promise<QualityDataset> {
  if (scope.period) return qualityDatasetOf(await loadCaseSet(db, { active: scope.period, fields: QUALITY_FIELDS }));
  const where = scope.familyId === undefined ? {} : { family_id: scope.familyId };
  const [referrals, children] = await Promise.all([loadReferrals(db, { ...where, fields: QUALITY_FIELDS }), loadUnnamedChildren(db, where)]);
  return { referrals: byId(referrals.map((r) => datasetReferral(r, r.family_ref))), children: children.map((c) => datasetChild(c, c.family_ref)) };
}

/**
 * The quality dataset of a period from the annual return's case data for it (the same
 * referrals, any step in the period), so the year's return reads its rows once: the
 * referrals, and the children on them (not the records they were merged into, which a
 * period's run does not check), both by id.
 */
export function qualityDatasetOf(data: CaseSet): QualityDataset {
  const onReferrals = new Set<number>();
  for (const r of data.referrals) for (const l of r.children) onReferrals.add(l.child_id);
  return {
    referrals: byId(data.referrals.map((r) => datasetReferral(r, r.family_ref))),
    children: byId(data.children.filter((c) => onReferrals.has(c.id)).map((c) => datasetChild(c, c.family_ref))),
  };
}

/** The fields of a referral the rules read (datasetReferral). */
const QUALITY_FIELDS = [
  'referral_date', 'offer_date', 'consent_decision', 'consent_date', 'decline_reason', 'consent_withdrawn_date', 'initial_fgc_date',
  'fgc_not_held_reason', 'plan_agreed', 'plan_date', 'plan_sent_date', 'plan_uploaded_date', 'closure_date',
] as const;

/** The facts of a referral the rules read. */
export const datasetReferral = (r: Referral, familyRef: string): DatasetReferral => ({
  id: r.id, family_id: r.family_id, referral_ref: r.referral_ref, family_ref: familyRef, referral_date: r.referral_date,
  offer_date: r.offer_date, consent_decision: r.consent_decision, consent_date: r.consent_date, decline_reason: r.decline_reason,
  consent_withdrawn_date: r.consent_withdrawn_date, initial_fgc_date: r.initial_fgc_date, fgc_not_held_reason: r.fgc_not_held_reason,
  plan_agreed: r.plan_agreed, plan_date: r.plan_date, plan_sent_date: r.plan_sent_date, plan_uploaded_date: r.plan_uploaded_date,
  closure_date: r.closure_date,
  children: r.children.map((l) => ({ child_id: l.child_id, legal_status: l.legal_status, outcome_6m_legal_status: l.outcome_6m_legal_status,
    outcome_6m_living: l.outcome_6m_living, outcome_12m_legal_status: l.outcome_12m_legal_status, outcome_12m_living: l.outcome_12m_living })),
  review_dates: [...r.review_dates],
});

/** The facts of a child the rules read. */
export const datasetChild = (c: Child, familyRef: string): DatasetChild => ({
  id: c.id, family_id: c.family_id, child_ref: c.child_ref, family_ref: familyRef, cms_id: c.cms_id, date_of_birth: c.date_of_birth,
  expected_date_of_birth: c.expected_date_of_birth, ethnicity: c.ethnicity, merged_into_id: c.merged_into_id,
});

/**
 * One family's quality dataset from its records as the family page loads them, the same facts
 * loadQualityDataset({ familyId }) reads (so the page needs no second read of them): referrals
 * and children by id, each referral's children and review dates. Pure.
 */
export function familyDataset(family: Family, children: readonly Child[], referrals: readonly Referral[]): QualityDataset {
  return {
    referrals: byId(referrals.map((r) => datasetReferral(r, family.family_ref))),
    children: byId(children.map((c) => datasetChild(c, family.family_ref))),
  };
}

/**
 * Live children whose CMS id (compared without case or spaces) is on another live child
 * too: found with one grouped scan, so a period's run need not read every child. The scan
 * reads the index on (key, merged_into_id, cms_id) alone (migration 009).
 */
export async function loadSharedCmsIds(db: Knex): Promise<CmsRow[]> {
  const key = db.raw(CMS_KEY);
  const shared = db('children').select(key).whereNotNull('cms_id').whereNull('merged_into_id').groupBy(key).havingRaw('count(*) > 1');
  return cmsRows(await db('children').select('id', 'cms_id', 'child_ref').whereNull('merged_into_id').whereIn(key as unknown as string, shared));
}

/** Every live child with a CMS id, for the duplicate CMS id rule (which looks across the database). */
export async function loadCmsIds(db: Knex, only?: string[]): Promise<CmsRow[]> {
  const q = db('children').select('id', 'cms_id', 'child_ref').whereNotNull('cms_id').whereNull('merged_into_id');
  if (only) {
    if (!only.length) return [];
    // Matches normaliseCmsId for ids whose only whitespace is spaces, which is all of them in practice.
    q.whereIn(db.raw(CMS_KEY) as unknown as string, only); // knex takes a raw column here; its types do not say so
  }
  return cmsRows(await q);
}

type CmsRow = { id: number; cms_id: string; child_ref: string; merged_into_id: null };
const cmsRows = (rows: { id: unknown; cms_id: string; child_ref: string }[]): CmsRow[] =>
  rows.map((r) => ({ id: Number(r.id), cms_id: r.cms_id, child_ref: r.child_ref, merged_into_id: null }));

export async function loadCmsIdPattern(db: Knex): Promise<string | null> {
  const row = await db('service_settings').select('value').where({ key: 'cms_id_pattern' }).first();
  return row?.value ?? null;
}
