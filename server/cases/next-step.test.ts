import { describe, expect, it } from 'vitest';
import { nextStep, type Episode } from './next-step.js';

const base = {
  offer_date: null, consent_decision: null, consent_withdrawn_date: null, initial_fgc_date: null, fgc_not_held_reason: null,
  plan_agreed: null, closure_date: null, review_dates: [] as string[],
  children: [{ child_id: 1, legal_status: 'CP', outcome_6m_legal_status: null, outcome_6m_living: null, outcome_12m_legal_status: null, outcome_12m_living: null }],
};
const today = '2025-06-01';

describe('next step of an FGC episode', () => {
  it('reads as a sentence with GOV.UK dates, never an ISO date', () => {
    const held = { ...base, offer_date: '2024-01-01', consent_decision: 'GIVEN', initial_fgc_date: '2024-03-10', plan_agreed: true };
    for (const day of ['2024-03-11', '2024-09-10', '2025-03-10']) {
      for (const r of [held, { ...held, closure_date: '2024-06-01' }, base]) expect(nextStep(r as Episode, day).text).not.toMatch(/\d{4}-\d{2}-\d{2}/);
    }
  });

  it('walks through offer, consent, conference, plan and review', () => {
    expect(nextStep(base as Episode, today).kind).toBe('offer');
    expect(nextStep({ ...base, offer_date: '2025-05-01' } as Episode, today).kind).toBe('consent');
    const consented = { ...base, offer_date: '2025-05-01', consent_decision: 'GIVEN' };
    expect(nextStep(consented as Episode, today).kind).toBe('conference');
    const held = { ...consented, initial_fgc_date: '2025-05-20' };
    expect(nextStep(held as Episode, today).kind).toBe('plan');
    const planned = { ...held, plan_agreed: true };
    expect(nextStep(planned as Episode, today)).toMatchObject({ kind: 'review', due: '2025-08-19', text: 'Hold the review conference by 19 August 2025' });
    expect(nextStep({ ...planned, review_dates: ['2025-05-30'] } as Episode, today).kind).toBe('closure');
  });

  it('asks to close when consent was declined, withdrawn or the conference will not happen', () => {
    expect(nextStep({ ...base, offer_date: '2025-05-01', consent_decision: 'DECLINED' } as Episode, today).kind).toBe('closure');
    expect(nextStep({ ...base, offer_date: '2025-05-01', consent_decision: 'GIVEN', consent_withdrawn_date: '2025-05-10' } as Episode, today).kind).toBe('closure');
    expect(nextStep({ ...base, offer_date: '2025-05-01', consent_decision: 'GIVEN', fgc_not_held_reason: 'RISK' } as Episode, today).kind).toBe('closure');
  });

  it('flags outcomes due at 6 and 12 months after the conference, naming both dates, and at once when closed', () => {
    const open = { ...base, offer_date: '2024-01-01', consent_decision: 'GIVEN', initial_fgc_date: '2024-03-10', plan_agreed: true, review_dates: ['2024-06-01'] };
    expect(nextStep(open as Episode, '2024-09-09').kind).toBe('closure');
    expect(nextStep(open as Episode, '2024-09-10')).toMatchObject({ kind: 'outcome-6', due: '2024-09-10', stage: 'outcomes', text: 'Record the 6-month outcome by 10 September 2024, and the 12-month outcome by 10 March 2025' });
    const held = { ...open, review_dates: [], closure_date: '2024-06-01' };
    expect(nextStep(held as Episode, '2024-09-09')).toMatchObject({ kind: 'outcome-6', due: '2024-09-10', text: 'Record the 6-month outcome by 10 September 2024, and the 12-month outcome by 10 March 2025' });
    expect(nextStep(held as Episode, '2024-09-10')).toMatchObject({ kind: 'outcome-6', due: '2024-09-10' });
    const six = { ...held, children: [{ ...base.children[0], outcome_6m_legal_status: 'CIN', outcome_6m_living: 'PARENTS' }] };
    expect(nextStep(six as Episode, '2025-03-09')).toMatchObject({ kind: 'outcome-12', due: '2025-03-10', text: 'Record the 12-month outcome by 10 March 2025' });
    const all = { ...six, children: [{ ...six.children[0], outcome_12m_legal_status: 'NONE', outcome_12m_living: 'PARENTS' }] };
    expect(nextStep(all as Episode, '2025-03-10')).toMatchObject({ kind: 'none', text: 'Nothing more to record', stage: null });
  });

  it('never repeats itself', () => {
    const held = { ...base, offer_date: '2024-01-01', consent_decision: 'GIVEN', initial_fgc_date: '2024-03-10', plan_agreed: true };
    for (const r of [base, held, { ...held, closure_date: '2024-06-01' }, { ...base, closure_date: '2024-06-01' }]) {
      for (const day of ['2024-03-11', '2024-09-10', '2025-03-10', '2026-01-01']) {
        const text = nextStep(r as Episode, day).text;
        expect(text).not.toMatch(/\b(\w+) \1\b/i);
        expect(text).not.toMatch(/due .*due/);
      }
    }
  });
});
