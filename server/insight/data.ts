// Data access for the insight pages: the annual return's loader (return-data.ts), with the
// insight filters applied in SQL and only the columns the figures need. No names, no
// free text: nothing here can show a child's name or date of birth on a page.
import type { Knex } from 'knex';
import { isPostgres } from '../../db/connection.js';
import type { Child, Referral, ReferralChild } from '../cases/types.js';
import { NR } from '../annual-return/breakdowns.js';
import { NO_TEAM, type Filters } from './filters.js';
import { selectArrays } from '../common/array-rows.js';

export interface InsightCases {
  referrals: Referral[];
  children: Child[];
}

export interface Needs {
  /** the children's characteristics (else only merged records, so children still count once) */
  characteristics?: boolean;
  /** the children on each referral (legal status); implied by characteristics and outcomes */
  referralChildren?: boolean;
  /** the children of only these referrals (the others have none loaded) */
  childrenOnlyOf?: (referral: Referral, range: { from: string; to: string }) => boolean;
  /** outcome columns on each child's referral row */
  outcomes?: boolean;
  reviews?: boolean;
  planContent?: boolean;
  /** the dates that make a referral active in the range; default all of them and reviews */
  activeBy?: ('referral_date' | 'offer_date' | 'consent_date' | 'initial_fgc_date' | 'closure_date' | 'closed_without_conference' | 'review')[];
  /** only these columns of each referral (id first; the others are null); default all the counting uses */
  referralColumns?: readonly ReferralColumn[];
}

const REFERRAL_COLUMNS = [
  'id', 'referral_ref', 'family_id', 'referral_date', 'referral_source', 'stage_offered', 'coordinator_id', 'offer_date',
  'consent_decision', 'consent_date', 'decline_reason', 'consent_withdrawn_date', 'initial_fgc_date', 'fgc_not_held_reason',
  'plan_agreed', 'plan_date', 'plan_sent_date', 'closure_date',
] as const;
export type ReferralColumn = (typeof REFERRAL_COLUMNS)[number];

/** A Referral in one fixed shape (fast to build and read) from a row of `columns` (id first); nulls for the rest. */
function referralMaker(columns: readonly ReferralColumn[]): (a: any[]) => Referral {
  const at = Object.fromEntries(REFERRAL_COLUMNS.map((c) => [c, columns.indexOf(c)])) as Record<ReferralColumn, number>;
  const get = (a: any[], c: ReferralColumn) => (at[c] < 0 ? null : a[at[c]] ?? null);
  return (a) => {
    const coordinator = get(a, 'coordinator_id');
    const agreed = get(a, 'plan_agreed');
    return {
      id: Number(a[at.id]), referral_ref: get(a, 'referral_ref'), family_id: Number(get(a, 'family_id')), referral_date: get(a, 'referral_date'),
      referral_source: get(a, 'referral_source'), stage_offered: get(a, 'stage_offered'), coordinator_id: coordinator === null ? null : Number(coordinator),
      coordinator_name: null, lbp_date: null, offer_date: get(a, 'offer_date'), offered_by: null, offer_method: null,
      consent_decision: get(a, 'consent_decision'), consent_date: get(a, 'consent_date'), decline_reason: get(a, 'decline_reason'),
      consent_withdrawn_date: get(a, 'consent_withdrawn_date'), initial_fgc_date: get(a, 'initial_fgc_date'), fgc_not_held_reason: get(a, 'fgc_not_held_reason'),
      attend_parents: null, attend_maternal: null, attend_paternal: null, attend_friends: null, attend_professionals: null,
      child_participation: null, advocate_used: null, interpreter_used: null, private_family_time: null,
      plan_agreed: agreed === null ? null : !!agreed, plan_date: get(a, 'plan_date'),
      plan_sent_date: get(a, 'plan_sent_date'), plan_uploaded_date: null, closure_date: get(a, 'closure_date'), family_feedback: null,
      professional_feedback: null, version: 0, children: [], plan_content: [], review_dates: [],
    };
  };
}

/** From a row of referral_id, child_id, legal_status[, the four outcome columns]. */
function toReferralChild(a: any[]): ReferralChild {
  return {
    child_id: Number(a[1]), legal_status: a[2] ?? null,
    outcome_6m_legal_status: a[3] ?? null, outcome_6m_living: a[4] ?? null,
    outcome_12m_legal_status: a[5] ?? null, outcome_12m_living: a[6] ?? null,
  };
}

const ALL_ACTIVITY: NonNullable<Needs['activeBy']> = ['referral_date', 'offer_date', 'consent_date', 'initial_fgc_date', 'closure_date', 'review'];

/** Narrows a referrals query by the filters (columns of `referrals`, unqualified). */
export function applyFilters(db: Knex, q: Knex.QueryBuilder, f: Filters): Knex.QueryBuilder {
  const code = (column: string, value: string) => {
    if (!value) return;
    if (value === NR) q.where((w) => w.whereNull(column).orWhere(column, ''));
    else q.where(column, value);
  };
  code('stage_offered', f.stage);
  code('referral_source', f.source);
  if (f.team === NO_TEAM) {
    q.where((w) => w.whereNull('coordinator_id').orWhereNotIn('coordinator_id', db('users').select('id').whereNotNull('team').whereNot('team', '')));
  } else if (f.team) {
    q.whereIn('coordinator_id', db('users').select('id').where('team', f.team));
  }
  return q;
}

/** A where-clause matching `column` against a list of ids with one bound parameter, however long the list. */
function inIds(db: Knex, q: Knex.QueryBuilder, column: string, ids: number[]): Knex.QueryBuilder {
  if (isPostgres(db)) return q.whereRaw(`${column} = any(?::int[])`, [ids]);
  return q.whereRaw(`${column} in (select value from json_each(?))`, [JSON.stringify(ids)]);
}

/**
 * The referrals active in the range (any step dated in it) that pass the filters, with what
 * the page needs of their children, plan content and reviews. Same shapes as the annual
 * return's loadCaseData, so computeReturn counts them by the same rules.
 */
export async function loadInsightCases(db: Knex, range: { from: string; to: string }, filters: Filters, needs: Needs = {}): Promise<InsightCases> {
  const activeBy = needs.activeBy ?? ALL_ACTIVITY;
  const columns = needs.referralColumns ?? REFERRAL_COLUMNS;
  const toReferral = referralMaker(columns);
  const q = db('referrals').select(...columns).where((w) => {
    for (const col of activeBy) {
      if (col === 'review') w.orWhereIn('id', db('review_conferences').select('referral_id').whereBetween('review_date', [range.from, range.to]));
      else if (col === 'closed_without_conference') {
        w.orWhere((c) => c.where((i) => i.whereNull('initial_fgc_date').orWhere('initial_fgc_date', '')).whereBetween('closure_date', [range.from, range.to]));
      } else w.orWhereBetween(col, [range.from, range.to]);
    }
  });
  applyFilters(db, q, filters);
  // rows as arrays, turned into objects of one shape: far faster than driver row objects
  const rows = await selectArrays(db, q);
  const byId = new Map<number, Referral>();
  const referrals: Referral[] = new Array(rows.length);
  for (let i = 0; i < rows.length; i++) {
    const referral = toReferral(rows[i] as any[]);
    referrals[i] = referral;
    byId.set(referral.id, referral);
  }
  if (!referrals.length) return { referrals, children: [] };
  const ids = referrals.map((r) => r.id);

  const wantLinks = needs.referralChildren || needs.characteristics || needs.outcomes;
  const only = needs.childrenOnlyOf;
  const linkIds = only ? referrals.filter((r) => only(r, range)).map((r) => r.id) : ids;
  const linkColumns = ['referral_id', 'child_id', 'legal_status'];
  if (needs.outcomes) linkColumns.push('outcome_6m_legal_status', 'outcome_6m_living', 'outcome_12m_legal_status', 'outcome_12m_living');
  const [links, reviews, content] = await Promise.all([
    wantLinks ? selectArrays(db, inIds(db, db('referral_children').select(linkColumns), 'referral_id', linkIds)) : [],
    needs.reviews ? selectArrays(db, inIds(db, db('review_conferences').select('referral_id', 'review_date'), 'referral_id', ids).orderBy('review_date')) : [],
    needs.planContent ? selectArrays(db, inIds(db, db('referral_plan_content').select('referral_id', 'code'), 'referral_id', ids)) : [],
  ]);
  const childIds = new Set<number>();
  for (const l of links as any[][]) {
    const link = toReferralChild(l);
    byId.get(Number(l[0]))?.children.push(link);
    childIds.add(link.child_id);
  }
  for (const r of reviews as any[][]) byId.get(Number(r[0]))?.review_dates.push(r[1]);
  for (const c of content as any[][]) byId.get(Number(c[0]))?.plan_content.push(c[1]);
  if (!wantLinks) return { referrals, children: [] };

  const children = await loadChildren(db, [...childIds], !!needs.characteristics);
  return { referrals, children };
}

/**
 * The children with these ids and their characteristics, and the records they were merged
 * into, following chains, so each person counts once; without characteristics, only the
 * merged records (all that counting children once needs).
 */
async function loadChildren(db: Knex, ids: number[], characteristics: boolean): Promise<Child[]> {
  const columns = characteristics
    ? ['id', 'family_id', 'cms_id', 'date_of_birth', 'expected_date_of_birth', 'sex', 'ethnicity', 'merged_into_id']
    : ['id', 'family_id', 'cms_id', 'merged_into_id'];
  const fetch = async (want: number[], onlyMerged: boolean) => {
    if (!want.length) return [];
    const q = inIds(db, db('children').select(columns), 'id', want);
    if (onlyMerged) q.whereNotNull('merged_into_id');
    const rows = (await selectArrays(db, q)) as any[][];
    const disabilities = characteristics && rows.length
      ? ((await selectArrays(db, inIds(db, db('child_disabilities').select('child_id', 'code'), 'child_id', rows.map((r) => Number(r[0]))))) as any[][])
      : [];
    const byChild = new Map<number, string[]>();
    for (const [childId, code] of disabilities) {
      const id = Number(childId);
      (byChild.get(id) ?? byChild.set(id, []).get(id)!).push(code);
    }
    // columns in the order of `columns` above
    const at = (name: string) => columns.indexOf(name);
    const [iCms, iDob, iEdd, iSex, iEth, iMerged] = ['cms_id', 'date_of_birth', 'expected_date_of_birth', 'sex', 'ethnicity', 'merged_into_id'].map(at);
    const get = (r: any[], i: number) => (i < 0 ? null : r[i] ?? null);
    return rows.map((r): Child => {
      const merged = get(r, iMerged);
      return {
        id: Number(r[0]), family_id: Number(r[1]), child_ref: '', cms_id: get(r, iCms), first_name: null, last_name: null,
        date_of_birth: get(r, iDob), expected_date_of_birth: get(r, iEdd), sex: get(r, iSex),
        ethnicity: get(r, iEth), disabilities: byChild.get(Number(r[0])) ?? [], disability_self_reported: null,
        merged_into_id: merged === null ? null : Number(merged), version: 0,
      };
    });
  };
  if (!characteristics) {
    // Every merged record in the database (few, found by a partial index; chains are complete
    // among them): cheaper than looking up each child on the referrals, and it resolves the same.
    const rows = (await selectArrays(db, db('children').select(columns).whereNotNull('merged_into_id'))) as any[][];
    return rows.map((r): Child => ({
      id: Number(r[0]), family_id: Number(r[1]), child_ref: '', cms_id: r[2] ?? null, first_name: null, last_name: null,
      date_of_birth: null, expected_date_of_birth: null, sex: null, ethnicity: null, disabilities: [], disability_self_reported: null,
      merged_into_id: Number(r[3]), version: 0,
    }));
  }
  const children = await fetch(ids, false);
  const have = new Set(children.map((c) => c.id));
  let missing = [...new Set(children.map((c) => c.merged_into_id).filter((id): id is number => !!id && !have.has(id)))];
  while (missing.length) {
    // survivors carry the counted values
    const more = await fetch(missing, false);
    for (const c of more) have.add(c.id);
    children.push(...more);
    missing = [...new Set(more.map((c) => c.merged_into_id).filter((id): id is number => !!id && !have.has(id)))];
  }
  return children;
}

/** Coordinator teams in use, for the filter. */
export async function loadTeams(db: Knex): Promise<string[]> {
  const rows = await db('users').distinct('team').whereNotNull('team').whereNot('team', '').orderBy('team');
  return rows.map((r: any) => String(r.team));
}

export async function earliestReferralDate(db: Knex): Promise<string | null> {
  const row = await db('referrals').min({ first: 'referral_date' }).first();
  return row?.first ? String(row.first) : null;
}
