import { describe, expect, it } from 'vitest';
import { countByRule, evaluate, type DatasetChild, type DatasetReferral } from './evaluate.js';
import { qualityContext } from './context.js';
import { formErrors } from './record-checks.js';
import { RULES } from './registry.js';
import { cleanChild, cleanReferral, TODAY } from './test-fixtures.js';

const child = (over: Partial<DatasetChild>): DatasetChild => ({ ...cleanChild(), id: 1, family_id: 7, child_ref: 'C1', family_ref: 'F7', ...over } as DatasetChild);
const referral = (over: Partial<DatasetReferral>): DatasetReferral => ({ ...cleanReferral(), id: 3, family_id: 7, referral_ref: 'R3', family_ref: 'F7', ...over } as DatasetReferral);

describe('evaluating the rules over a dataset', () => {
  const children = [child({ id: 1, ethnicity: null }), child({ id: 2, child_ref: 'C2', ethnicity: null, merged_into_id: 1 })];
  const referrals = [referral({ children: [{ child_id: 1, legal_status: null }] })];
  const ctx = qualityContext({ today: TODAY, children, cmsIds: children });
  const issues = evaluate({ referrals, children }, ctx);

  it('says which family, referral, child and field each issue is on', () => {
    expect(issues).toEqual([
      { rule: 'no-legal-status', severity: 'query', message: "Select the child's legal status at referral", family_id: 7, family_ref: 'F7', referral_id: 3, referral_ref: 'R3', child_id: 1, child_ref: 'C1', field: 'legal_status' },
      { rule: 'ethnicity-not-obtained', severity: 'query', message: "Record the child's ethnicity", family_id: 7, family_ref: 'F7', referral_id: null, referral_ref: null, child_id: 1, child_ref: 'C1', field: 'ethnicity' },
    ]);
  });

  it('leaves out records merged into another (the survivor stands for the child)', () => {
    expect(issues.some((i) => i.child_id === 2)).toBe(false);
  });

  it('counts every rule, zeros included, in registry order', () => {
    const counts = countByRule(issues);
    expect(counts.map((c) => c.rule)).toEqual(RULES.map((r) => r.code));
    expect(counts.find((c) => c.rule === 'no-legal-status')).toEqual({ rule: 'no-legal-status', title: 'Child on a referral with no legal status', severity: 'query', count: 1 });
    expect(counts.reduce((s, c) => s + c.count, 0)).toBe(issues.length);
  });
});

describe('findings as form errors', () => {
  it('puts each on its form field, or on the form when the form has no such field', () => {
    expect(formErrors([
      { field: 'offer_date', message: 'A' }, { field: 'offer_date', message: 'B' }, { field: 'closure_date', message: 'C' }, { field: 'plan_date', message: 'D' },
    ], ['offer_date', 'offered_by'])).toEqual({ offer_date: 'A', form: 'C', form1: 'D' });
  });
});
