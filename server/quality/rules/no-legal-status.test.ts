import { describe, expect, it } from 'vitest';
import { noLegalStatus } from './no-legal-status.js';
import { cleanReferral, context } from '../test-fixtures.js';

describe(noLegalStatus.code, () => {
  it('fires for each child on the referral with no legal status', () => {
    const r = cleanReferral({ children: [{ child_id: 1, legal_status: null }, { child_id: 2, legal_status: 'CP' }, { child_id: 3, legal_status: null }] });
    expect(noLegalStatus.check(r, context()).map((f) => f.child_id)).toEqual([1, 3]);
  });
  it('is silent when every child has one', () => {
    expect(noLegalStatus.check(cleanReferral(), context())).toEqual([]);
    expect(noLegalStatus.check(cleanReferral({ children: [{ child_id: 1, legal_status: 'NKCSC' }] }), context())).toEqual([]);
  });
});
