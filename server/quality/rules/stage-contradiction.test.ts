import { describe, expect, it } from 'vitest';
import { stageContradiction } from './stage-contradiction.js';
import { cleanReferral, context } from '../test-fixtures.js';

const fields = (over: Parameters<typeof cleanReferral>[0]) => stageContradiction.check(cleanReferral(over), context()).map((f) => f.field);

describe(stageContradiction.code, () => {
  it('is silent on a consistent episode', () => expect(fields({})).toEqual([]));
  it('fires on withdrawal without consent given', () => {
    expect(fields({ consent_decision: 'DECLINED', decline_reason: 'NOHELP', consent_withdrawn_date: '2025-01-20', initial_fgc_date: null })).toEqual(['consent_withdrawn_date']);
  });
  it('fires on a decline reason with consent given', () => expect(fields({ decline_reason: 'NOHELP' })).toEqual(['decline_reason']));
  it('fires on a conference both held and not held', () => expect(fields({ fgc_not_held_reason: 'RISK' })).toEqual(['fgc_not_held_reason']));
  it('fires on a plan date with no plan agreed', () => expect(fields({ plan_agreed: false })).toEqual(['plan_date']));
});
