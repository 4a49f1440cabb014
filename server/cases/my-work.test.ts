import { describe, expect, it } from 'vitest';
import { stepHref, workOrder, type WorkItem } from './my-work.js';
import type { NextStep } from './next-step.js';

const item = (ref: string, next: Partial<NextStep>, overdue = false, referralDate = '2026-01-01'): WorkItem => ({
  referralId: 1, referralRef: ref, referralDate, familyId: 1, familyRef: 'F', familyName: null, children: [],
  next: { kind: 'offer', text: '', stage: 'offer', ...next }, href: '', overdue,
});

describe('My work', () => {
  it('puts overdue steps first (oldest first), then dated ones by date, then undated ones by referral date and reference', () => {
    const items = [
      item('R5', {}, false, '2026-02-01'),
      item('R4', { due: '2026-12-20' }),
      item('R3', { due: '2026-11-01' }, true),
      item('R2', {}, false, '2026-01-01'),
      item('R1', { due: '2026-10-01' }, true),
      item('R0', {}, false, '2026-01-01'),
    ];
    expect(items.sort(workOrder).map((i) => i.referralRef)).toEqual(['R1', 'R3', 'R4', 'R0', 'R2', 'R5']);
  });

  it('links each step to the form that records it', () => {
    expect(stepHref(7, { kind: 'review', text: '', stage: 'reviews' })).toBe('/referrals/7/reviews/new');
    expect(stepHref(7, { kind: 'outcome-6', text: '', stage: 'outcomes' })).toBe('/referrals/7/outcomes');
    expect(stepHref(7, { kind: 'consent', text: '', stage: 'consent' })).toBe('/referrals/7/stages/consent');
    expect(stepHref(7, { kind: 'none', text: '', stage: null })).toBe('/referrals/7');
  });
});
