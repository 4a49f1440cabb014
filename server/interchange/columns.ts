import type { CodeListName } from '../../db/seed/code-lists.js';

// The columns of the case interchange file (shared/interchange.md), in the spec's order.
// One row per child per referral: referral-level columns repeat on every row of a
// referral; child-level columns describe the child (and, for legal status and outcomes,
// the child on that referral).

export type ColumnKind =
  | 'ref' // a reference: text, matched exactly
  | 'text'
  | 'date'
  | 'dates' // dates separated by ';'
  | 'code' // one value of a code list (code or label)
  | 'codes' // values of a code list separated by ';'
  | 'yesno' // Y / N
  | 'yesnos' // Y, N or blank for each date of the list column before it, separated by ';'
  | 'count'; // a whole number, 0 or more

export type ColumnLevel = 'referral' | 'child' | 'referral_child';

export interface ColumnSpec {
  name: string;
  level: ColumnLevel;
  kind: ColumnKind;
  list?: CodeListName;
  /** must be present in the header and filled on every row */
  required?: boolean;
  max?: number;
}

const ref = (name: string, level: ColumnLevel, required = true): ColumnSpec => ({ name, level, kind: 'ref', required, max: 60 });
const date = (name: string, level: ColumnLevel = 'referral', required = false): ColumnSpec => ({ name, level, kind: 'date', required });
const code = (name: string, list: CodeListName, level: ColumnLevel = 'referral'): ColumnSpec => ({ name, level, kind: 'code', list });
const count = (name: string): ColumnSpec => ({ name, level: 'referral', kind: 'count', max: 200 });
const yesno = (name: string, level: ColumnLevel = 'referral'): ColumnSpec => ({ name, level, kind: 'yesno' });

export const COLUMNS: readonly ColumnSpec[] = [
  // Referral level
  ref('referral_ref', 'referral'),
  ref('family_ref', 'referral'),
  date('referral_date', 'referral', true),
  code('referral_source', 'referral_source'),
  code('stage_offered', 'stage_offered'),
  { name: 'coordinator', level: 'referral', kind: 'text', max: 200 },
  date('lbp_date'),
  date('offer_date'),
  { name: 'offered_by', level: 'referral', kind: 'text', max: 200 },
  { name: 'offer_method', level: 'referral', kind: 'text', max: 200 },
  code('consent_decision', 'consent_decision'),
  date('consent_date'),
  code('decline_reason', 'decline_reason'),
  date('consent_withdrawn_date'),
  date('initial_fgc_date'),
  code('fgc_not_held_reason', 'not_held_reason'),
  count('attend_parents'),
  count('attend_maternal'),
  count('attend_paternal'),
  count('attend_friends'),
  count('attend_professionals'),
  code('child_participation', 'child_participation'),
  yesno('advocate_used'),
  yesno('interpreter_used'),
  yesno('private_family_time'),
  yesno('plan_agreed'),
  date('plan_date'),
  date('plan_sent_date'),
  date('plan_uploaded_date'),
  { name: 'plan_content', level: 'referral', kind: 'codes', list: 'plan_content' },
  { name: 'review_fgc_dates', level: 'referral', kind: 'dates' },
  { name: 'review_plan_working', level: 'referral', kind: 'yesnos' },
  date('closure_date'),
  { name: 'family_feedback', level: 'referral', kind: 'text', max: 4000 },
  { name: 'professional_feedback', level: 'referral', kind: 'text', max: 4000 },
  // Child level
  ref('child_ref', 'child'),
  { name: 'cms_id', level: 'child', kind: 'text', max: 60 },
  { name: 'first_name', level: 'child', kind: 'text', max: 100 },
  { name: 'last_name', level: 'child', kind: 'text', max: 100 },
  date('date_of_birth', 'child'),
  date('expected_date_of_birth', 'child'),
  code('sex', 'sex', 'child'),
  code('ethnicity', 'ethnicity', 'child'),
  { name: 'disability', level: 'child', kind: 'codes', list: 'disability' },
  yesno('disability_self_reported', 'child'),
  // The child on this referral
  code('legal_status', 'legal_status', 'referral_child'),
  code('outcome_6m_legal_status', 'outcome_legal_status', 'referral_child'),
  code('outcome_6m_living', 'living_arrangement', 'referral_child'),
  code('outcome_12m_legal_status', 'outcome_legal_status', 'referral_child'),
  code('outcome_12m_living', 'living_arrangement', 'referral_child'),
];

export const COLUMN_NAMES: readonly string[] = COLUMNS.map((c) => c.name);
export const COLUMN_BY_NAME: ReadonlyMap<string, ColumnSpec> = new Map(COLUMNS.map((c) => [c.name, c]));
export const REQUIRED_COLUMNS: readonly string[] = COLUMNS.filter((c) => c.required).map((c) => c.name);

/** Referral-level columns stored directly as referrals table columns (same name). */
export const REFERRAL_TABLE_COLUMNS = [
  'referral_date', 'referral_source', 'stage_offered', 'lbp_date', 'offer_date', 'consent_decision', 'consent_date',
  'decline_reason', 'consent_withdrawn_date', 'initial_fgc_date', 'fgc_not_held_reason', 'attend_parents', 'attend_maternal',
  'attend_paternal', 'attend_friends', 'attend_professionals', 'child_participation', 'advocate_used', 'interpreter_used',
  'private_family_time', 'plan_agreed', 'plan_date', 'plan_sent_date', 'closure_date',
  'offered_by', 'offer_method', 'plan_uploaded_date', 'family_feedback', 'professional_feedback',
] as const;
export type ReferralTableColumn = (typeof REFERRAL_TABLE_COLUMNS)[number];

/** Child-level columns stored directly as children table columns (same name). */
export const CHILD_TABLE_COLUMNS = [
  'cms_id', 'first_name', 'last_name', 'date_of_birth', 'expected_date_of_birth', 'sex', 'ethnicity', 'disability_self_reported',
] as const;
export type ChildTableColumn = (typeof CHILD_TABLE_COLUMNS)[number];

/** Columns of the child on one referral (referral_children). */
export const REFERRAL_CHILD_COLUMNS = [
  'legal_status', 'outcome_6m_legal_status', 'outcome_6m_living', 'outcome_12m_legal_status', 'outcome_12m_living',
] as const;
export type ReferralChildColumn = (typeof REFERRAL_CHILD_COLUMNS)[number];
