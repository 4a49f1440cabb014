import type { Child, Referral, ReferralChild } from '../cases/types.js';

// The shapes data-quality rules work on: plain objects, no database, no Express.
// A rule is pure: given a record (and the context it needs) it lists what is wrong.

/**
 * What a rule's finding does on a form: 'error' refuses the save until it is put right (the
 * coordinator typing today can fix it); 'query' lets the save go ahead and lists the finding on
 * the record's page and the quality report. Imports never refuse on a rule: whatever the file
 * says is stored, and every finding is listed in the dry run and on the quality report.
 */
export type Severity = 'error' | 'query';

/** The stage answers of one FGC episode, as they are or would be after a save. */
export type StageFacts = Pick<
  Referral,
  | 'referral_date' | 'offer_date' | 'consent_decision' | 'consent_date' | 'decline_reason' | 'consent_withdrawn_date'
  | 'initial_fgc_date' | 'fgc_not_held_reason' | 'plan_agreed' | 'plan_date' | 'plan_sent_date' | 'plan_uploaded_date'
  | 'closure_date'
> & { review_dates: string[]; plan_content?: string[] };

export type ReferralChildFacts = Pick<ReferralChild, 'child_id' | 'legal_status'> &
  Partial<Pick<ReferralChild, 'outcome_6m_legal_status' | 'outcome_6m_living' | 'outcome_12m_legal_status' | 'outcome_12m_living'>>;

/** A referral with the children on it; id is absent for one not yet saved. */
export type ReferralFacts = StageFacts & { id?: number; children?: ReferralChildFacts[] };

export type ChildFacts = Pick<Child, 'cms_id' | 'date_of_birth' | 'expected_date_of_birth' | 'ethnicity'> &
  Partial<Pick<Child, 'id' | 'family_id' | 'child_ref' | 'merged_into_id'>>;

export interface QualityContext {
  /** 'YYYY-MM-DD' */
  today: string;
  /** the service setting cms_id_pattern, compiled; null accepts any format */
  cmsIdPattern: { test(id: string): boolean } | null;
  /** live (not merged) children by normalised CMS id, across the whole database; ids ascending */
  childIdsByCmsId: ReadonlyMap<string, readonly number[]>;
  /** child references for messages that name another record */
  childRefs: ReadonlyMap<number, string>;
  /** the children a referral's rules may look at (date of birth for age at referral) */
  childrenById: ReadonlyMap<number, ChildFacts>;
}

/** One thing wrong with one record. */
export interface Finding {
  /** the field to fix (a form field name where there is one) */
  field: string;
  message: string;
  /** for a referral rule about one child on the referral */
  child_id?: number;
}

interface RuleBase {
  /** stable, URL-safe identifier */
  code: string;
  /** short name for the report's table */
  title: string;
  /** the general message; findings may say more */
  message: string;
  severity: Severity;
  /** why the rule blocks a form save or only queries it: shown on the rules page */
  decision: string;
  /** the fields the rule looks at */
  fields: readonly string[];
}

export interface ReferralRule extends RuleBase {
  scope: 'referral';
  check(referral: ReferralFacts, ctx: QualityContext): Finding[];
}

export interface ChildRule extends RuleBase {
  scope: 'child';
  check(child: ChildFacts, ctx: QualityContext): Finding[];
}

export type QualityRule = ReferralRule | ChildRule;
