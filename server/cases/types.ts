// Plain case-data shapes shared by repositories, rules, counting and views.
// Field names follow the database columns, which follow the interchange file where they can.

export type IsoDate = string; // 'YYYY-MM-DD'
export type YesNo = boolean | null;

export interface Family {
  id: number;
  family_ref: string;
  version: number;
}

export interface Child {
  id: number;
  family_id: number;
  child_ref: string;
  cms_id: string | null;
  first_name: string | null;
  last_name: string | null;
  date_of_birth: IsoDate | null;
  expected_date_of_birth: IsoDate | null;
  sex: string | null;
  ethnicity: string | null;
  disabilities: string[];
  disability_self_reported: YesNo;
  merged_into_id: number | null;
  version: number;
}

export interface ReferralChild {
  child_id: number;
  legal_status: string | null;
  outcome_6m_legal_status: string | null;
  outcome_6m_living: string | null;
  outcome_12m_legal_status: string | null;
  outcome_12m_living: string | null;
}

export interface Referral {
  id: number;
  referral_ref: string;
  family_id: number;
  referral_date: IsoDate;
  referral_source: string | null;
  stage_offered: string | null;
  coordinator_id: number | null;
  coordinator_name: string | null;
  lbp_date: IsoDate | null;
  offer_date: IsoDate | null;
  offered_by: string | null;
  offer_method: string | null;
  consent_decision: 'GIVEN' | 'DECLINED' | 'NORESP' | null;
  consent_date: IsoDate | null;
  decline_reason: string | null;
  consent_withdrawn_date: IsoDate | null;
  initial_fgc_date: IsoDate | null;
  fgc_not_held_reason: string | null;
  attend_parents: number | null;
  attend_maternal: number | null;
  attend_paternal: number | null;
  attend_friends: number | null;
  attend_professionals: number | null;
  child_participation: string | null;
  advocate_used: YesNo;
  interpreter_used: YesNo;
  private_family_time: YesNo;
  plan_agreed: YesNo;
  plan_date: IsoDate | null;
  plan_sent_date: IsoDate | null;
  plan_uploaded_date: IsoDate | null;
  closure_date: IsoDate | null;
  /** why the episode closed after a conference (closure_reason list); absent where the data came from elsewhere */
  closure_reason?: string | null;
  family_feedback: string | null;
  professional_feedback: string | null;
  version: number;
  children: ReferralChild[];
  plan_content: string[];
  review_dates: IsoDate[];
}

export const BOOLEAN_REFERRAL_FIELDS = [
  'advocate_used',
  'interpreter_used',
  'private_family_time',
  'plan_agreed',
] as const;
