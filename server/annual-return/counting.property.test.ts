import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { computeReturn, reconcile, type AnnualReturn, type PopulationKey } from './counting.js';
import { makeChild, makeReferral, onReferral, seedCodes } from './test-fixtures.js';
import { addDays, inRange, financialYear } from '../common/dates.js';
import type { Child, Referral } from '../cases/types.js';
import { returnWithRefs } from './return-by-refs.js';

const codes = seedCodes();
const YEAR = 2023;
const FY = financialYear(YEAR);

// Dates from 2022-01-01 to about 2025-08: before, in and after 2023-24.
const date = fc.integer({ min: 0, max: 1320 }).map((d) => addDays('2022-01-01', d));
const maybeDate = fc.option(date, { nil: null, freq: 2 });
const codeFrom = (list: string, extra: string[] = []) =>
  fc.constantFrom<string | null>(null, '', ...codes[list].map((c) => c.code), ...extra, 'ZZZ');
const yesNo = fc.constantFrom<boolean | null>(true, false, null);
const count = fc.option(fc.integer({ min: 0, max: 8 }), { nil: null });

/**
 * Children with ids 1..n. A child may be merged into an existing child with a lower id
 * (so chains exist but no cycles); referral rows may name ids with no child record (900+).
 * With `cycles`, merges may point anywhere: loops, and survivors missing from the input.
 */
function world(opts: { cycles?: boolean } = {}) {
  return fc.integer({ min: 0, max: 25 }).chain((n) => {
    const childArb = fc.array(
      fc.record({
        dob: maybeDate,
        edd: maybeDate,
        sex: codeFrom('sex'),
        ethnicity: codeFrom('ethnicity'),
        disabilities: fc.subarray(['NONE', 'AUT', 'LD', 'LOCAL']),
        cms: fc.boolean(),
        merge: fc.option(fc.integer({ min: 1, max: Math.max(1, n) }), { nil: null, freq: 3 }),
      }),
      { minLength: n, maxLength: n },
    );
    const childIds = fc.constantFrom(...(n > 0 ? Array.from({ length: n }, (_, i) => i + 1) : [900]), 900, 901);
    const referralArb = fc.record({
      referral_date: date,
      referral_source: codeFrom('referral_source'),
      stage_offered: codeFrom('stage_offered'),
      offer_date: maybeDate,
      consent_decision: fc.constantFrom<'GIVEN' | 'DECLINED' | 'NORESP' | null>('GIVEN', 'DECLINED', 'NORESP', null),
      consent_date: maybeDate,
      decline_reason: codeFrom('decline_reason'),
      consent_withdrawn_date: fc.option(date, { nil: null, freq: 4 }),
      initial_fgc_date: maybeDate,
      fgc_not_held_reason: codeFrom('not_held_reason'),
      closure_date: maybeDate,
      attend_parents: count,
      attend_maternal: count,
      attend_paternal: count,
      attend_friends: count,
      child_participation: codeFrom('child_participation'),
      advocate_used: yesNo,
      interpreter_used: yesNo,
      private_family_time: yesNo,
      plan_agreed: yesNo,
      review_dates: fc.array(date, { maxLength: 3 }),
      rows: fc.array(fc.tuple(childIds, codeFrom('legal_status')), { maxLength: 4 }),
    });
    return fc.tuple(childArb, fc.array(referralArb, { maxLength: 30 })).map(([cs, rs]) => {
      const children: Child[] = cs.map((c, i) => {
        const id = i + 1;
        let merged: number | null = null;
        if (c.merge !== null) {
          if (opts.cycles) merged = c.merge === id ? 950 : c.merge; // 950: a survivor missing from the input
          else if (c.merge < id) merged = c.merge;
        }
        return makeChild({
          id, date_of_birth: c.dob, expected_date_of_birth: c.edd, sex: c.sex, ethnicity: c.ethnicity,
          disabilities: c.disabilities, cms_id: c.cms ? `CMS${id}` : null, merged_into_id: merged,
        });
      });
      const referrals: Referral[] = rs.map(({ rows, ...r }, i) =>
        makeReferral({ id: i + 1, ...r, children: rows.map(([cid, status]) => onReferral(cid, status)) }),
      );
      return { children, referrals };
    });
  });
}

function idsOf(ret: AnnualReturn, pop: string, unit: 'children' | 'fgcs'): number[] {
  const p = ret.populations[pop as PopulationKey];
  return (unit === 'children' ? p.childIds! : p.fgcIds).slice().sort((a, b) => a - b);
}

/** Reference implementation, written plainly: resolve merges by walking, then filter and sort. */
function naiveResolve(children: Child[], id: number): number {
  let cur = id;
  for (;;) {
    const c = children.find((x) => x.id === cur);
    if (!c || c.merged_into_id === null) return cur;
    cur = c.merged_into_id;
  }
}

describe('property: every breakdown reconciles', () => {
  it('reconcile() finds no problem and every breakdown total equals its population', () => {
    fc.assert(
      fc.property(world(), fc.integer({ min: 2021, max: 2025 }), ({ children, referrals }, year) => {
        const ret = computeReturn({ year, referrals, children, codes });
        expect(reconcile(ret)).toEqual([]);
        for (const b of Object.values(ret.breakdowns)) {
          const p = ret.populations[b.population as PopulationKey];
          expect(b.total).toBe(b.unit === 'children' ? p.children : p.fgcs);
          // the ids behind the rows are exactly the population, each once
          const ids = b.rows.flatMap((r) => r.ids).sort((x, y) => x - y);
          expect(ids).toEqual(idsOf(ret, b.population, b.unit));
          expect(b.rows.at(-1)!.code).toBe('NR');
        }
      }),
      { numRuns: 300 },
    );
  });

  it('without the children\'s breakdowns, gives every other figure unchanged', () => {
    fc.assert(
      fc.property(world(), ({ children, referrals }) => {
        const full = computeReturn({ year: YEAR, referrals, children, codes });
        const light = computeReturn({ year: YEAR, referrals, children, codes, childBreakdowns: false });
        const { breakdowns, ...rest } = full;
        const fgcBreakdowns = Object.fromEntries(Object.entries(breakdowns).filter(([key]) => !key.includes('.children.')));
        expect(Object.keys(fgcBreakdowns).length).toBeGreaterThan(0);
        expect(Object.keys(breakdowns).length).toBeGreaterThan(Object.keys(fgcBreakdowns).length);
        expect(light).toEqual({ ...rest, breakdowns: fgcBreakdowns });
      }),
      { numRuns: 200 },
    );
  });

  it('still reconciles when merges form cycles or point anywhere', () => {
    fc.assert(
      fc.property(world({ cycles: true }), ({ children, referrals }) => {
        const ret = computeReturn({ year: YEAR, referrals, children, codes });
        expect(reconcile(ret)).toEqual([]);
      }),
      { numRuns: 200 },
    );
  });
});

describe('property: counts agree with a plain reference implementation', () => {
  it('FGC and distinct child counts per population', () => {
    fc.assert(
      fc.property(world(), ({ children, referrals }) => {
        const ret = computeReturn({ year: YEAR, referrals, children, codes });
        const distinctChildren = (rs: Referral[]) =>
          new Set(rs.flatMap((r) => r.children.map((c) => naiveResolve(children, c.child_id)))).size;

        const referred = referrals.filter((r) => inRange(r.referral_date, FY));
        const consented = referrals.filter((r) => r.consent_decision === 'GIVEN' && inRange(r.consent_date, FY));
        const declined = referrals.filter((r) => (r.consent_decision === 'DECLINED' || r.consent_decision === 'NORESP') && inRange(r.consent_date, FY));
        const held = referrals.filter((r) => inRange(r.initial_fgc_date, FY));
        const notHeld = referrals.filter((r) => !r.initial_fgc_date && inRange(r.closure_date, FY));

        expect(ret.populations.referred.fgcs).toBe(referred.length);
        expect(ret.populations.referred.children).toBe(distinctChildren(referred));
        expect(ret.populations.offered.fgcs).toBe(referrals.filter((r) => inRange(r.offer_date, FY)).length);
        expect(ret.populations.consented.fgcs).toBe(consented.length);
        expect(ret.populations.consented.children).toBe(distinctChildren(consented));
        expect(ret.populations.declined.fgcs).toBe(declined.length);
        expect(ret.populations.declinedOnly.fgcs + ret.populations.noResponse.fgcs).toBe(declined.length);
        expect(ret.populations.tookPlace.fgcs).toBe(held.length);
        expect(ret.populations.tookPlace.children).toBe(distinctChildren(held));
        expect(ret.populations.didNotTakePlace.fgcs).toBe(notHeld.length);
        expect(ret.populations.plansAgreed.fgcs).toBe(held.filter((r) => r.plan_agreed === true).length);
        expect(ret.populations.reviews.meetings).toBe(
          referrals.reduce((n, r) => n + new Set(r.review_dates.filter((d) => inRange(d, FY))).size, 0),
        );
      }),
      { numRuns: 300 },
    );
  });

  it('legal status at referral comes from the earliest referral (date, then reference) naming the child', () => {
    fc.assert(
      fc.property(world(), ({ children, referrals }) => {
        const ret = computeReturn({ year: YEAR, referrals, children, codes });
        const ordered = referrals
          .filter((r) => inRange(r.referral_date, FY))
          .sort((a, b) => (a.referral_date < b.referral_date ? -1 : a.referral_date > b.referral_date ? 1 : a.referral_ref < b.referral_ref ? -1 : 1));
        const expected = new Map<number, string>();
        for (const r of ordered) {
          const here = new Map<number, string | null>();
          for (const row of r.children) {
            const id = naiveResolve(children, row.child_id);
            if (expected.has(id)) continue;
            const s = row.legal_status && row.legal_status.trim() ? row.legal_status : null;
            if (!here.has(id) || (here.get(id) === null && s !== null)) here.set(id, s);
          }
          for (const [id, s] of here) {
            const child = children.find((c) => c.id === id);
            expected.set(id, s ?? (child && child.cms_id === null ? 'NKCSC' : 'NR'));
          }
        }
        const actual = new Map<number, string>();
        for (const row of ret.breakdowns['referred.children.legalStatus'].rows) for (const id of row.ids) actual.set(id, row.code);
        expect(actual).toEqual(expected);
      }),
      { numRuns: 300 },
    );
  });

  it('does not depend on the order of the referrals and does not change its input', () => {
    fc.assert(
      fc.property(world(), fc.integer(), ({ children, referrals }, seed) => {
        const before = JSON.stringify({ children, referrals });
        const a = computeReturn({ year: YEAR, referrals, children, codes });
        expect(JSON.stringify({ children, referrals })).toBe(before);
        const shuffled = referrals
          .map((r, i) => ({ r, k: Math.sin(seed + i * 7919) }))
          .sort((x, y) => x.k - y.k)
          .map((x) => x.r);
        const b = computeReturn({ year: YEAR, referrals: shuffled, children, codes });
        const counts = (ret: AnnualReturn) =>
          Object.fromEntries(Object.values(ret.breakdowns).map((bd) => [bd.key, bd.rows.map((r) => [...r.ids].sort((x, y) => x - y))]));
        expect(counts(b)).toEqual(counts(a));
        expect(b.medians).toEqual(a.medians);
        expect(b.attendance.meanFamilyMembers).toEqual(a.attendance.meanFamilyMembers);
      }),
      { numRuns: 200 },
    );
  });
});

describe('property: ties on the referral date are broken by reference, not by id or order', () => {
  // Few dates, so children often have two referrals on one date; references drawn independently of the ids.
  const tieWorld = world().chain(({ children, referrals }) =>
    fc.tuple(
      fc.constant({ children, referrals }),
      fc.uniqueArray(fc.stringMatching(/^[A-C][0-9]{1,2}$/), { minLength: referrals.length, maxLength: referrals.length }),
      fc.array(fc.constantFrom('2023-06-01', '2023-06-02', '2023-11-30'), { minLength: referrals.length, maxLength: referrals.length }),
    ).map(([w, refs, dates]) => ({
      children: w.children.map((c) => ({ ...c, child_ref: `K${c.id}` })),
      referrals: w.referrals.map((r, i) => ({ ...r, referral_ref: refs[i], referral_date: i % 3 === 2 ? r.referral_date : dates[i] })),
    })),
  );

  it('gives the same return whatever the database ids and the input order, when the references are kept', () => {
    fc.assert(
      fc.property(tieWorld, fc.integer(), fc.integer(), ({ children, referrals }, idSeed, orderSeed) => {
        // the same cases under other ids: child and referral ids permuted (merges and rows follow), input shuffled
        const shuffle = <T>(xs: T[], seed: number) => xs.map((x, i) => ({ x, k: Math.sin(seed + i * 7919) })).sort((a, b) => a.k - b.k).map((p) => p.x);
        const childIdsUsed = [...new Set([...children.map((c) => c.id), ...referrals.flatMap((r) => r.children.map((l) => l.child_id)), 950])];
        const newChildId = new Map(childIdsUsed.map((id, i) => [id, shuffle(childIdsUsed, idSeed)[i] + 1000]));
        const cid = (id: number) => newChildId.get(id)!;
        const newReferralId = new Map(referrals.map((r, i) => [r.id, shuffle(referrals.map((x) => x.id), idSeed + 1)[i] + 5000]));
        const children2 = shuffle(children.map((c) => ({ ...c, id: cid(c.id), merged_into_id: c.merged_into_id === null ? null : cid(c.merged_into_id) })), orderSeed);
        const referrals2 = shuffle(referrals.map((r) => ({
          ...r, id: newReferralId.get(r.id)!, children: r.children.map((l) => ({ ...l, child_id: cid(l.child_id) })),
        })), orderSeed + 1);

        const refOf = new Map(referrals.map((r) => [r.id, r.referral_ref]));
        const refOf2 = new Map(referrals2.map((r) => [r.id, r.referral_ref]));
        const childRef = (id: number) => `K${id}`;
        const childRef2 = new Map(childIdsUsed.map((id) => [cid(id), `K${id}`]));
        const a = computeReturn({ year: YEAR, referrals, children, codes });
        const b = computeReturn({ year: YEAR, referrals: referrals2, children: children2, codes });
        expect(returnWithRefs(b, (id) => refOf2.get(id)!, (id) => childRef2.get(id)!)).toEqual(returnWithRefs(a, (id) => refOf.get(id)!, childRef));
      }),
      { numRuns: 300 },
    );
  });
});
