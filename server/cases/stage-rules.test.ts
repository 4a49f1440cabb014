import { describe, expect, it } from 'vitest';
import { stageOrderProblems, type StageFacts } from './stage-rules.js';

const clean: StageFacts = {
  referral_date: '2025-01-10', offer_date: '2025-01-12', consent_decision: 'GIVEN', consent_date: '2025-01-15', decline_reason: null,
  consent_withdrawn_date: null, initial_fgc_date: '2025-02-01', fgc_not_held_reason: null, plan_agreed: true, plan_date: '2025-02-01',
  plan_sent_date: '2025-02-05', plan_uploaded_date: null, closure_date: '2025-05-01', review_dates: ['2025-04-01'],
};
const fields = (f: Partial<StageFacts>) => stageOrderProblems({ ...clean, ...f }).map((p) => p.field);

describe('stage order rules', () => {
  it('accepts an episode in order', () => {
    expect(stageOrderProblems(clean)).toEqual([]);
  });
  it('an offer cannot precede the referral', () => {
    expect(fields({ offer_date: '2025-01-09' })).toContain('offer_date');
  });
  it('consent cannot precede the offer', () => {
    expect(fields({ consent_date: '2025-01-11' })).toContain('consent_date');
  });
  it('a conference needs consent given, on or after its date', () => {
    expect(fields({ consent_decision: 'DECLINED', decline_reason: 'NOHELP', plan_agreed: null, plan_date: null, plan_sent_date: null, review_dates: [] })).toContain('initial_fgc_date');
    expect(fields({ initial_fgc_date: '2025-01-14', plan_date: '2025-02-01' })).toContain('initial_fgc_date');
  });
  it('a plan needs a held conference', () => {
    expect(fields({ initial_fgc_date: null, review_dates: [] })).toContain('plan_agreed');
  });
  it('an agreed plan needs its date, and a plan not agreed has none', () => {
    expect(fields({ plan_date: null, plan_sent_date: null })).toContain('plan_date');
    expect(fields({ plan_agreed: false })).toContain('plan_date');
  });
  it('declined needs a reason; given must not have one; withdrawal only after consent given', () => {
    expect(fields({ consent_decision: 'NORESP', initial_fgc_date: null, plan_agreed: null, plan_date: null, plan_sent_date: null, review_dates: [], fgc_not_held_reason: 'NOCONSENT' })).toContain('decline_reason');
    expect(fields({ decline_reason: 'NOHELP' })).toContain('decline_reason');
    expect(fields({ consent_withdrawn_date: '2025-01-14' })).toContain('consent_withdrawn_date');
  });
  it('held and not-held are exclusive', () => {
    expect(fields({ fgc_not_held_reason: 'RISK' })).toContain('fgc_not_held_reason');
  });
  it('reviews follow the initial conference; closure follows everything', () => {
    expect(fields({ review_dates: ['2025-01-20'] })).toContain('review_date');
    expect(fields({ closure_date: '2025-03-01' })).toContain('closure_date');
  });
  it('closing a consented episode with no conference needs a reason', () => {
    expect(fields({ initial_fgc_date: null, plan_agreed: null, plan_date: null, plan_sent_date: null, review_dates: [] })).toContain('fgc_not_held_reason');
    expect(fields({ initial_fgc_date: null, plan_agreed: null, plan_date: null, plan_sent_date: null, review_dates: [], fgc_not_held_reason: 'NETWORK' })).toEqual([]);
  });
});
