import { describe, expect, it } from 'vitest';
import { fixLink } from './fix-links.js';

const issue = (rule: string, field: string, referral_id: number | null, child_id: number | null) => ({ rule, field, referral_id, child_id });

describe('links to fix an issue', () => {
  it('opens the form that holds the field', () => {
    expect(fixLink(issue('stage-order', 'offer_date', 5, null))).toBe('/referrals/5/stages/offer#offer_date');
    expect(fixLink(issue('plan-without-date', 'plan_date', 5, null))).toBe('/referrals/5/stages/plan#plan_date');
    expect(fixLink(issue('not-held-without-reason', 'fgc_not_held_reason', 5, null))).toBe('/referrals/5/stages/closure#fgc_not_held_reason');
    expect(fixLink(issue('no-legal-status', 'legal_status', 5, 9))).toBe('/referrals/5/children');
    expect(fixLink(issue('outcome-overdue', 'outcome_6m_living', 5, 9))).toBe('/referrals/5/outcomes');
    expect(fixLink(issue('adult-at-referral', 'date_of_birth', 5, 9))).toBe('/children/9/edit#date_of_birth');
    expect(fixLink(issue('ethnicity-not-obtained', 'ethnicity', null, 9))).toBe('/children/9/edit#ethnicity');
  });
  it('offers a merge for a duplicate CMS id, and the referral page where no form fits', () => {
    expect(fixLink(issue('duplicate-cms-id', 'cms_id', null, 9))).toBe('/children/9/merge');
    expect(fixLink(issue('no-recent-activity', 'closure_date', 5, null))).toBe('/referrals/5');
    expect(fixLink(issue('stage-order', 'review_date', 5, null))).toBe('/referrals/5');
  });
});
