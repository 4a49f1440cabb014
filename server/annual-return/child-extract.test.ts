import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { EXTRACT_COLUMNS, extractRows } from './child-extract.js';
import { makeChild, makeReferral, onReferral } from './test-fixtures.js';
import type { Child, Referral } from '../cases/types.js';

// The extract's rows: by referral date, then referral reference, then child reference; never by
// database id or the order rows were read, so the same cases give the same file in any database.

const order = (referrals: Referral[], children: Child[]) => extractRows(referrals, children).map((r) => `${r.referral.referral_ref}/${r.child?.child_ref}`);

describe('child extract order', () => {
  it('puts referrals of one date in reference order, whatever their ids and input order', () => {
    const a = makeChild({ id: 7, child_ref: 'CH-A' });
    const b = makeChild({ id: 3, child_ref: 'CH-B' });
    // FGC-0002 is the lower reference, with the higher id; children listed with the higher reference first
    const low = () => makeReferral({ id: 90, referral_ref: 'FGC-0002', referral_date: '2024-06-01', children: [onReferral(b), onReferral(a)] });
    const high = () => makeReferral({ id: 10, referral_ref: 'FGC-0010', referral_date: '2024-06-01', children: [onReferral(a)] });
    const earlier = () => makeReferral({ id: 95, referral_ref: 'FGC-0099', referral_date: '2024-05-31', children: [onReferral(b)] });
    const expected = ['FGC-0099/CH-B', 'FGC-0002/CH-A', 'FGC-0002/CH-B', 'FGC-0010/CH-A'];
    expect(order([high(), low(), earlier()], [a, b])).toEqual(expected);
    expect(order([low(), earlier(), high()], [b, a])).toEqual(expected);
  });

  it('shows a merged record as its survivor, placed by the survivor\'s reference', () => {
    const kept = makeChild({ id: 1, child_ref: 'CH-Z' });
    const dup = makeChild({ id: 2, child_ref: 'CH-A', merged_into_id: 1 });
    const other = makeChild({ id: 3, child_ref: 'CH-M' });
    const r = makeReferral({ referral_ref: 'R1', children: [onReferral(dup), onReferral(other)] });
    expect(order([r], [kept, dup, other])).toEqual(['R1/CH-M', 'R1/CH-Z']);
  });

  it('property: the rows do not depend on the ids or the order of the referrals and their children', () => {
    const arb = fc.array(
      fc.record({ date: fc.constantFrom('2024-06-01', '2024-06-02'), kids: fc.uniqueArray(fc.integer({ min: 1, max: 5 }), { maxLength: 3 }) }),
      { maxLength: 10 },
    ).chain((rs) => fc.tuple(
      fc.constant(rs),
      fc.uniqueArray(fc.stringMatching(/^[A-C][0-9]{1,2}$/), { minLength: rs.length, maxLength: rs.length }),
      fc.integer(),
    ));
    fc.assert(
      fc.property(arb, ([rs, refs, seed]) => {
        const shuffle = <T>(xs: T[], s: number) => xs.map((x, i) => ({ x, k: Math.sin(s + i * 7919) })).sort((p, q) => p.k - q.k).map((p) => p.x);
        const world = (childId: (k: number) => number, referralId: (i: number) => number, s: number) => {
          const children = [1, 2, 3, 4, 5].map((k) => makeChild({ id: childId(k), child_ref: `K${k}` }));
          const referrals = rs.map((r, i) => makeReferral({
            id: referralId(i), referral_ref: refs[i], referral_date: r.date, children: shuffle(r.kids.map((k) => onReferral(childId(k))), s + i),
          }));
          return order(shuffle(referrals, s), shuffle(children, s + 1));
        };
        const plain = world((k) => k, (i) => i + 1, 0);
        expect(world((k) => 60 - k, (i) => 1000 - i, seed)).toEqual(plain);
        const sorted = rs.map((r, i) => ({ ...r, ref: refs[i] }))
          .sort((x, y) => (x.date < y.date ? -1 : x.date > y.date ? 1 : x.ref < y.ref ? -1 : 1))
          .flatMap((r) => [...r.kids].sort().map((k) => `${r.ref}/K${k}`));
        expect(plain).toEqual(sorted);
      }),
      { numRuns: 200 },
    );
  });
});

describe('child extract columns', () => {
  it('counts review meetings one per distinct date: a review entered twice on one date is one meeting', () => {
    const a = makeChild({ id: 1, child_ref: 'CH-A' });
    const r = makeReferral({ referral_ref: 'R1', initial_fgc_date: '2024-06-01', review_dates: ['2024-09-01', '2024-09-01', '2024-12-01'], children: [onReferral(a)] });
    const column = EXTRACT_COLUMNS.find((c) => c.header === 'review_meetings')!;
    expect(extractRows([r], [a]).map((row) => column.value(row))).toEqual([2]);
  });
});
