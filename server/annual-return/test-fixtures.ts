// Small builders for hand-made families in tests. Defaults are deliberately plain:
// a referral with only a referral date, a CMS-known child born 2015-06-01 (White British, no disability).
import type { Child, Referral, ReferralChild } from '../cases/types.js';
import { SEED_CODE_LISTS } from '../../db/seed/code-lists.js';
import type { CodeLists } from './breakdowns.js';

let nextChildId = 1000;
let nextReferralId = 5000;

export function makeChild(over: Partial<Child> = {}): Child {
  const id = over.id ?? nextChildId++;
  return {
    id,
    family_id: 1,
    child_ref: `C${id}`,
    cms_id: `CMS${id}`,
    first_name: null,
    last_name: null,
    date_of_birth: '2015-06-01',
    expected_date_of_birth: null,
    sex: 'F',
    ethnicity: 'WBRI',
    disabilities: ['NONE'],
    disability_self_reported: null,
    merged_into_id: null,
    version: 1,
    ...over,
  };
}

/** A child's row on a referral. */
export function onReferral(child: number | Child, legal_status: string | null = null): ReferralChild {
  return {
    child_id: typeof child === 'number' ? child : child.id,
    legal_status,
    outcome_6m_legal_status: null,
    outcome_6m_living: null,
    outcome_12m_legal_status: null,
    outcome_12m_living: null,
  };
}

export function makeReferral(over: Partial<Referral> = {}): Referral {
  const id = over.id ?? nextReferralId++;
  return {
    id,
    referral_ref: `R${id}`,
    family_id: 1,
    referral_date: '2023-05-01',
    referral_source: null,
    stage_offered: null,
    coordinator_id: null,
    coordinator_name: null,
    lbp_date: null,
    offer_date: null,
    offered_by: null,
    offer_method: null,
    consent_decision: null,
    consent_date: null,
    decline_reason: null,
    consent_withdrawn_date: null,
    initial_fgc_date: null,
    fgc_not_held_reason: null,
    attend_parents: null,
    attend_maternal: null,
    attend_paternal: null,
    attend_friends: null,
    attend_professionals: null,
    child_participation: null,
    advocate_used: null,
    interpreter_used: null,
    private_family_time: null,
    plan_agreed: null,
    plan_date: null,
    plan_sent_date: null,
    plan_uploaded_date: null,
    closure_date: null,
    family_feedback: null,
    professional_feedback: null,
    version: 1,
    children: [],
    plan_content: [],
    review_dates: [],
    ...over,
  };
}

/** The code lists a new install starts with, as computeReturn expects them. */
export function seedCodes(): CodeLists {
  const out: CodeLists = {};
  for (const [list, entries] of Object.entries(SEED_CODE_LISTS)) {
    out[list] = entries.map((e) => ({ code: e.code, label: e.label, group: e.group ?? null }));
  }
  return out;
}
