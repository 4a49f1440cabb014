import { describe, expect, it } from 'vitest';
import { localDateTime, readableHistory, type HistoryNames } from './history-view.js';
import type { HistoryEntry } from '../audit/history.js';

const names: HistoryNames = {
  codes: {
    consent_decision: [{ code: 'GIVEN', label: 'Consent given' }, { code: 'DECLINED', label: 'Declined' }],
    plan_content: [{ code: 'REMAIN', label: 'Child remains at home with network support' }, { code: 'SAFETY', label: 'Safety plan / supervision by network' }],
    legal_status: [{ code: 'NKCSC', label: "Not known to children's social care" }],
    closure_reason: [{ code: 'PLANDONE', label: 'Plan completed' }],
  },
  users: new Map([[2, 'Priya Shah']]),
  children: new Map([[1, 'Amy Smith']]),
};
const entry = (e: Partial<HistoryEntry>): HistoryEntry => ({
  at: '2026-12-05T14:15:00.000Z', user_name: 'Priya Shah', action: 'update', entity: 'referral', entity_id: 9, field: null, old_value: null, new_value: null, ...e,
});

describe('the change history as people read it', () => {
  it('gives code labels, form labels and GOV.UK dates, never codes or ISO dates', () => {
    const [row] = readableHistory([entry({ field: 'consent_decision', old_value: 'DECLINED', new_value: 'GIVEN' })], names);
    expect(row).toEqual({ when: '5 December 2026 at 2:15pm', who: 'Priya Shah', what: 'Changed referral', field: 'Decision', was: 'Declined', now: 'Consent given' });
    expect(readableHistory([entry({ field: 'offer_date', new_value: '2026-11-03' })], names)[0]).toMatchObject({ field: 'Date the FGC was offered to parents or carers', was: '', now: '3 November 2026' });
    expect(readableHistory([entry({ field: 'closure_reason', new_value: 'PLANDONE' })], names)[0]).toMatchObject({ field: 'Reason the episode closed', now: 'Plan completed' });
  });

  it('joins several codes by their labels', () => {
    expect(readableHistory([entry({ field: 'plan_content', new_value: 'REMAIN;SAFETY' })], names)[0].now).toBe('Child remains at home with network support, Safety plan / supervision by network');
  });

  it('names people and children instead of ids', () => {
    expect(readableHistory([entry({ field: 'coordinator_id', old_value: '7', new_value: '2' })], names)[0]).toMatchObject({ field: 'Coordinator', was: 'A former user', now: 'Priya Shah' });
    expect(readableHistory([entry({ entity: 'referral_child', entity_id: 1, action: 'create', field: 'legal_status', new_value: 'NKCSC' })], names)[0])
      .toMatchObject({ what: 'Added Amy Smith on the referral', field: 'Legal status at referral', now: "Not known to children's social care" });
    expect(readableHistory([entry({ entity: 'child', entity_id: 1, field: 'first_name', new_value: 'Amy' })], names)[0].what).toBe('Changed Amy Smith');
    expect(readableHistory([entry({ entity: 'child', entity_id: 99 })], names)[0].what).toBe('Changed a child');
    expect(readableHistory([entry({ user_name: null })], names)[0].who).toBe('An import or the system');
  });

  it('gives UK local time, summer time included', () => {
    expect(localDateTime('2026-07-01T13:05:00.000Z')).toBe('1 July 2026 at 2:05pm');
    expect(localDateTime('2026-12-05T00:30:00.000Z')).toBe('5 December 2026 at 12:30am');
    expect(localDateTime('2026-03-29T01:00:00.000Z')).toBe('29 March 2026 at 2am'); // the clocks have gone forward
    expect(localDateTime('2026-12-05T00:00:00.000Z')).toBe('5 December 2026 at midnight');
    expect(localDateTime('2026-06-01T11:00:00.000Z')).toBe('1 June 2026 at midday');
  });
});
