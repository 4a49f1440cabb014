import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { makeChild, makeReferral, onReferral } from '../annual-return/test-fixtures.js';
import { earliestRows } from './people.js';
import { survivorResolver } from '../cases/merged-children.js';
import type { Referral } from '../cases/types.js';

// A child's row for the insight figures computeReturn does not produce comes from the earliest
// referral; a tie on the referral date goes to the lower referral reference (domain.md,
// decided edge cases), never to the lower id or the one met first.

describe('earliestRows', () => {
  const child = makeChild({ id: 1 });
  const resolve = survivorResolver([child]);

  it('takes the earlier referral date first', () => {
    const later = makeReferral({ id: 1, referral_ref: 'A', referral_date: '2024-06-02', children: [onReferral(1, 'CP')] });
    const earlier = makeReferral({ id: 2, referral_ref: 'B', referral_date: '2024-06-01', children: [onReferral(1, 'CIN')] });
    for (const order of [[later, earlier], [earlier, later]]) expect(earliestRows(order, resolve).get(1)!.row.legal_status).toBe('CIN');
  });

  it('breaks a tie on the referral date by the lower reference, not the lower id or the input order', () => {
    // FGC-0002 is the lower reference, with the higher id, and comes second in the input.
    const low = makeReferral({ id: 90, referral_ref: 'FGC-0002', referral_date: '2024-06-01', children: [onReferral(1, 'EH')] });
    const high = makeReferral({ id: 10, referral_ref: 'FGC-0010', referral_date: '2024-06-01', children: [onReferral(1, 'PLO')] });
    for (const order of [[high, low], [low, high]]) {
      const got = earliestRows(order, resolve).get(1)!;
      expect(got.referral.referral_ref).toBe('FGC-0002');
      expect(got.row.legal_status).toBe('EH');
    }
  });

  it('property: the referral picked for each child depends on the references only, not on ids or order', () => {
    const arb = fc.array(
      fc.record({
        date: fc.constantFrom('2024-06-01', '2024-06-02'),
        kids: fc.uniqueArray(fc.integer({ min: 1, max: 4 }), { maxLength: 3 }),
      }),
      { maxLength: 12 },
    ).chain((rs) => fc.tuple(
      fc.constant(rs),
      fc.uniqueArray(fc.stringMatching(/^[A-C][0-9]{1,2}$/), { minLength: rs.length, maxLength: rs.length }),
      fc.shuffledSubarray(rs.map((_, i) => i), { minLength: rs.length, maxLength: rs.length }),
    ));
    fc.assert(
      fc.property(arb, ([rs, refs, perm]) => {
        const build = (ids: (i: number) => number): Referral[] =>
          rs.map((r, i) => makeReferral({ id: ids(i), referral_ref: refs[i], referral_date: r.date, children: r.kids.map((k) => onReferral(k, refs[i])) }));
        const plain = build((i) => i + 1);
        const other = perm.map((i) => build((j) => 100 + perm.indexOf(j))[i]);
        const picked = (referrals: Referral[]) =>
          Object.fromEntries([...earliestRows(referrals, (id) => id)].map(([id, { referral, row }]) => [id, [referral.referral_ref, row.legal_status]]));
        const expected: Record<number, [string, string]> = {};
        const ordered = rs.map((r, i) => ({ ...r, ref: refs[i] })).sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : a.ref < b.ref ? -1 : 1));
        for (const r of ordered) for (const k of r.kids) expected[k] ??= [r.ref, r.ref];
        expect(picked(plain)).toEqual(expected);
        expect(picked(other)).toEqual(expected);
      }),
      { numRuns: 300 },
    );
  });
});
