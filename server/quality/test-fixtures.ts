import { qualityContext, type ContextInput } from './context.js';
import type { ChildFacts, QualityContext, ReferralFacts } from './types.js';

/** A referral with every stage recorded in order: no rule fires on it (today 2025-06-01). */
export function cleanReferral(over: Partial<ReferralFacts> = {}): ReferralFacts {
  return {
    id: 1,
    referral_date: '2025-01-10', offer_date: '2025-01-12', consent_decision: 'GIVEN', consent_date: '2025-01-15', decline_reason: null,
    consent_withdrawn_date: null, initial_fgc_date: '2025-02-01', fgc_not_held_reason: null, plan_agreed: true, plan_date: '2025-02-01',
    plan_sent_date: '2025-02-05', plan_uploaded_date: null, closure_date: '2025-05-01', review_dates: ['2025-04-01'],
    children: [{ child_id: 1, legal_status: 'CP' }],
    ...over,
  };
}

export function cleanChild(over: Partial<ChildFacts> = {}): ChildFacts {
  return { id: 1, family_id: 1, child_ref: 'C000001', cms_id: '1234567', date_of_birth: '2015-05-01', expected_date_of_birth: null, ethnicity: 'WBRI', merged_into_id: null, ...over };
}

export const TODAY = '2025-06-01';

export function context(over: Partial<ContextInput> = {}): QualityContext {
  return qualityContext({ today: TODAY, children: [{ ...cleanChild(), id: 1 }], ...over });
}
