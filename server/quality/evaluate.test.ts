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

describe('the order of the issues', () => {
  it('lists each rule\'s issues by reference (referral, then child), never by id or the order of the records', () => {
    const kids = [child({ id: 9, child_ref: 'C-A', cms_id: '1000001', ethnicity: null }), child({ id: 2, child_ref: 'C-B', cms_id: '1000002', ethnicity: null }), child({ id: 5, child_ref: 'C-C', cms_id: '1000003' })];
    // R-0002 is the lower reference, with the higher id; on R-0010 the children are listed with the higher reference first
    const low = referral({ id: 90, referral_ref: 'R-0002', children: [{ child_id: 9, legal_status: null }] });
    const high = referral({ id: 10, referral_ref: 'R-0010', children: [{ child_id: 5, legal_status: null }, { child_id: 2, legal_status: null }] });
    const ctx = qualityContext({ today: TODAY, children: kids, cmsIds: kids });
    for (const [referrals, children] of [[[high, low], kids], [[low, high], [...kids].reverse()]] as const) {
      const got = evaluate({ referrals: [...referrals], children: [...children] }, ctx).map((i) => `${i.rule}:${i.referral_ref ?? '-'}:${i.child_ref}`);
      expect(got).toEqual([
        'no-legal-status:R-0002:C-A', 'no-legal-status:R-0010:C-B', 'no-legal-status:R-0010:C-C',
        'ethnicity-not-obtained:-:C-A', 'ethnicity-not-obtained:-:C-B',
      ]);
    }
  });
});

describe('findings as form errors', () => {
  it('puts each on its form field, or on the form when the form has no such field', () => {
    expect(formErrors([
      { field: 'offer_date', message: 'A' }, { field: 'offer_date', message: 'B' }, { field: 'closure_date', message: 'C' }, { field: 'plan_date', message: 'D' },
    ], ['offer_date', 'offered_by'])).toEqual({ offer_date: 'A', form: 'C', form1: 'D' });
  });
});
