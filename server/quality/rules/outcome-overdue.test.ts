import { describe, expect, it } from 'vitest';
import { outcomeOverdue } from './outcome-overdue.js';
import { cleanReferral, context } from '../test-fixtures.js';

// conference 2025-02-01: 6-month outcome due 2025-08-01, 12-month 2026-02-01
const link = { child_id: 1, legal_status: 'CP' };
const done6 = { outcome_6m_legal_status: 'CIN', outcome_6m_living: 'PARENTS' };

describe(outcomeOverdue.code, () => {
  it('fires per child once the 6-month outcome is overdue', () => {
    const r = cleanReferral({ children: [link, { ...link, child_id: 2 }, { ...link, child_id: 3, ...done6 }] });
    const found = outcomeOverdue.check(r, context({ today: '2025-08-02' }));
    expect(found.map((f) => [f.child_id, f.field])).toEqual([[1, 'outcome_6m_legal_status'], [2, 'outcome_6m_legal_status']]);
  });
  it('fires on a half-recorded outcome and on the 12-month outcome', () => {
    const r = cleanReferral({ children: [{ ...link, outcome_6m_legal_status: 'CIN' }] });
    expect(outcomeOverdue.check(r, context({ today: '2026-02-02' })).map((f) => f.field)).toEqual(['outcome_6m_living', 'outcome_12m_legal_status']);
  });
  it('is silent before the due date, once recorded, and with no conference', () => {
    expect(outcomeOverdue.check(cleanReferral({ children: [link] }), context({ today: '2025-08-01' }))).toEqual([]);
    expect(outcomeOverdue.check(cleanReferral({ children: [{ ...link, ...done6 }] }), context({ today: '2025-12-01' }))).toEqual([]);
    expect(outcomeOverdue.check(cleanReferral({ initial_fgc_date: null, children: [link] }), context({ today: '2027-01-01' }))).toEqual([]);
  });
});
