import type { Knex } from 'knex';
import { financialYear } from '../common/dates.js';
import { loadCodeLists } from '../codes/code-lists.js';
import type { Child, Referral } from '../cases/types.js';
import { eachRow, whereIdIn } from '../common/array-rows.js';

const bool = (v: unknown) => (v === null || v === undefined ? null : !!v);
/** Referrals with any step in the period (add the select): only these can appear in that year's return. */
export function activeIn(db: Knex, from: string, to: string, alias?: string) {
  const c = (column: string) => (alias ? `${alias}.${column}` : column);
  return db(alias ? `referrals as ${alias}` : 'referrals').where((w) => {
    for (const col of ['referral_date', 'offer_date', 'consent_date', 'initial_fgc_date', 'closure_date']) w.orWhereBetween(c(col), [from, to]);
    w.orWhereIn(c('id'), db('review_conferences').select('referral_id').whereBetween('review_date', [from, to]));
  });
}

/** A referral of the year with its family's reference (the data-quality report names it). */
export type CaseReferral = Referral & { family_ref: string };
/** A child with its family's reference; names are never loaded (null). */
export type CaseChild = Child & { family_ref: string };

export interface CaseData {
  /** referrals with any step in the period, by id */
  referrals: CaseReferral[];
  /** the children on those referrals, then the records they were merged into (following chains) */
  children: CaseChild[];
}

// Every column counting, insight and extracts use; free-text feedback stays in the database.
// Rows come back as arrays in this order and become objects of one shape.
const REFERRAL_COLUMNS = ['r.id', 'r.referral_ref', 'r.family_id', 'f.family_ref', 'r.referral_date', 'r.referral_source', 'r.stage_offered',
  'r.coordinator_id', 'r.lbp_date', 'r.offer_date', 'r.consent_decision', 'r.consent_date', 'r.decline_reason', 'r.consent_withdrawn_date',
  'r.initial_fgc_date', 'r.fgc_not_held_reason', 'r.attend_parents', 'r.attend_maternal', 'r.attend_paternal', 'r.attend_friends',
  'r.attend_professionals', 'r.child_participation', 'r.advocate_used', 'r.interpreter_used', 'r.private_family_time', 'r.plan_agreed',
  'r.plan_date', 'r.plan_sent_date', 'r.plan_uploaded_date', 'r.closure_date', 'r.version'];

// Coordinator name as imported, offer details and feedback are not loaded: nothing here reads them.
function toReferral(a: any[]): CaseReferral {
  return {
    id: a[0], referral_ref: a[1], family_id: a[2], family_ref: a[3], referral_date: a[4], referral_source: a[5], stage_offered: a[6],
    coordinator_id: a[7], lbp_date: a[8], offer_date: a[9], consent_decision: a[10], consent_date: a[11], decline_reason: a[12],
    consent_withdrawn_date: a[13], initial_fgc_date: a[14], fgc_not_held_reason: a[15], attend_parents: a[16], attend_maternal: a[17],
    attend_paternal: a[18], attend_friends: a[19], attend_professionals: a[20], child_participation: a[21], advocate_used: bool(a[22]),
    interpreter_used: bool(a[23]), private_family_time: bool(a[24]), plan_agreed: bool(a[25]), plan_date: a[26], plan_sent_date: a[27],
    plan_uploaded_date: a[28], closure_date: a[29], version: a[30], children: [], plan_content: [], review_dates: [],
  } as unknown as CaseReferral;
}

const CHILD_COLUMNS = ['c.id', 'c.family_id', 'c.child_ref', 'f.family_ref', 'c.cms_id', 'c.date_of_birth', 'c.expected_date_of_birth', 'c.sex',
  'c.ethnicity', 'c.disability_self_reported', 'c.merged_into_id', 'c.version'];

function toChild(a: any[]): CaseChild {
  // Names never leave the database for counting.
  return {
    id: a[0], family_id: a[1], child_ref: a[2], family_ref: a[3], cms_id: a[4], first_name: null, last_name: null, date_of_birth: a[5],
    expected_date_of_birth: a[6], sex: a[7], ethnicity: a[8], disabilities: [], disability_self_reported: bool(a[9]),
    merged_into_id: a[10], version: a[11],
  };
}

/**
 * Loads the plain case data the counting module needs for one reporting year: the
 * referrals active in the year, their children, and the survivors of merged children.
 * One scan picks the referrals; everything else is fetched by id, the ids bound as one
 * parameter, which both databases answer from their indexes. The same rows serve the
 * year's data-quality run (qualityDatasetOf). `planContent: false` leaves every referral's
 * plan_content empty, for a caller that counts none.
 */
export async function loadCaseData(db: Knex, period: { from: string; to: string }, options: { planContent?: boolean } = {}): Promise<CaseData> {
  const referrals: CaseReferral[] = [];
  await eachRow(db, activeIn(db, period.from, period.to, 'r').join('families as f', 'f.id', 'r.family_id').select(REFERRAL_COLUMNS),
    (a) => referrals.push(toReferral(a)));
  if (!referrals.length) return { referrals, children: [] };
  referrals.sort((a, b) => a.id - b.id);
  const byId = new Map<number, CaseReferral>();
  for (const r of referrals) byId.set(r.id, r);
  const ids = referrals.map((r) => r.id);
  const byIds = (q: Knex.QueryBuilder, row: (a: any[]) => void) => eachRow(db, whereIdIn(db, q, 'referral_id', ids), row);
  const childIds = new Set<number>();
  await Promise.all([
    byIds(db('referral_children').select('referral_id', 'child_id', 'legal_status', 'outcome_6m_legal_status', 'outcome_6m_living',
      'outcome_12m_legal_status', 'outcome_12m_living'), (l) => {
      byId.get(l[0])?.children.push({ child_id: l[1], legal_status: l[2], outcome_6m_legal_status: l[3], outcome_6m_living: l[4],
        outcome_12m_legal_status: l[5], outcome_12m_living: l[6] });
      childIds.add(l[1]);
    }),
    byIds(db('review_conferences').select('referral_id', 'review_date').orderBy('review_date'), (r) => byId.get(r[0])?.review_dates.push(r[1])),
    options.planContent === false ? null : byIds(db('referral_plan_content').select('referral_id', 'code'), (c) => byId.get(c[0])?.plan_content.push(c[1])),
  ]);

  const children = await loadChildrenByIds(db, [...childIds]);
  // Follow merges to the surviving records, which carry the counted characteristics.
  const have = new Set(children.map((c) => c.id));
  let missing = [...new Set(children.map((c) => c.merged_into_id).filter((id): id is number => !!id && !have.has(id)))];
  while (missing.length) {
    const more = await loadChildrenByIds(db, missing);
    for (const c of more) {
      have.add(c.id);
      children.push(c);
    }
    missing = [...new Set(more.map((c) => c.merged_into_id).filter((id): id is number => !!id && !have.has(id)))];
  }
  return { referrals, children };
}

async function loadChildrenByIds(db: Knex, ids: number[]): Promise<CaseChild[]> {
  if (!ids.length) return [];
  const out: CaseChild[] = [];
  const byChild = new Map<number, string[]>();
  await Promise.all([
    eachRow(db, whereIdIn(db, db('children as c').join('families as f', 'f.id', 'c.family_id').select(CHILD_COLUMNS), 'c.id', ids), (a) => out.push(toChild(a))),
    eachRow(db, whereIdIn(db, db('child_disabilities').select('child_id', 'code'), 'child_id', ids), (d) => {
      const list = byChild.get(d[0]);
      if (list) list.push(d[1]);
      else byChild.set(d[0], [d[1]]);
    }),
  ]);
  if (byChild.size) for (const c of out) c.disabilities = byChild.get(c.id) ?? c.disabilities;
  return out;
}

/** The annual return's input: the year's case data (no plan content: no figure of the return counts it) and the code lists. */
export async function loadReturnInput(db: Knex, year: number) {
  const [data, codes] = await Promise.all([loadCaseData(db, financialYear(year), { planContent: false }), loadCodeLists(db)]);
  return { year, ...data, codes };
}
