import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { computeReturn } from '../annual-return/counting.js';
import { makeChild, makeReferral, onReferral, seedCodes } from '../annual-return/test-fixtures.js';
import { activityTable, cohortFunnel, funnelTable } from './funnel.js';
import { ALL_TIME, childrenOf, countPeriod } from './common.js';
import { distinctChildren } from './people.js';
import { survivorResolver } from '../cases/merged-children.js';
import { yearPeriod } from './period.js';
import { pureWorld, YEAR } from './test-world.js';

const cells = (t: { rows: { cells: Record<string, unknown> }[] }) => t.rows.map((r) => r.cells);

describe('take-up funnel', () => {
  const world = pureWorld();
  const period = yearPeriod(YEAR);

  it('follows the referrals received in the period, as FGCs and as distinct children', () => {
    const { steps } = cohortFunnel(world, period);
    // R1, R2, R3, R4, R6 were referred in 2024-25 (R5 the year before)
    expect(steps.map((s) => [s.key, s.fgcs, s.children])).toEqual([
      ['referred', 5, 5], // a1, a2 (on R1 and R2: once), a3 (unborn, no CMS id), b1 (and its merged duplicate: once), c1
      ['offered', 4, 4], // R1-R4: a1, a2, a3, b1
      ['consented', 2, 3], // R1, R4: a1, a2, b1
      ['tookPlace', 2, 3],
      ['plansAgreed', 1, 2], // R1 only: R4's plan was not agreed
      ['reviews', 1, 2],
    ]);
  });

  it('gives conversion rates against the step before and against those referred', () => {
    const t = funnelTable(cohortFunnel(world, period).steps);
    expect(cells(t)[0]).toMatchObject({ step: 'Referred', fgcsPrevious: null, fgcsReferred: 1, childrenReferred: 1 });
    expect(cells(t)[2]).toMatchObject({ step: 'Consented', fgcs: 2, fgcsPrevious: 0.5, fgcsReferred: 0.4, children: 3, childrenPrevious: 0.75, childrenReferred: 0.6 });
  });

  it("shows what happened in the period by the annual return's rules", () => {
    const t = activityTable(countPeriod(world, period));
    const byMeasure = Object.fromEntries(cells(t).map((c) => [c.measure, [c.fgcs, c.children]]));
    expect(byMeasure).toMatchObject({
      'Referrals received': [5, 5],
      'FGCs offered': [4, null],
      'FGCs consented to': [3, 4], // R5's consent fell in the year
      'FGCs declined or with no response': [2, null],
      'Initial FGCs held': [3, 4],
      'Plans agreed at initial FGCs': [2, null],
      'FGCs closed without a conference': [2, null],
      'Review meetings held': [1, null],
    });
  });

  it('counts a subset with only its own children, and gets the same answer', () => {
    const subset = world.referrals.filter((r) => ['R2', 'R3'].includes(r.referral_ref));
    const kids = childrenOf(world, subset);
    expect(kids.map((c) => c.child_ref).sort()).toEqual(['a2', 'a3', 'b1', 'b1dup']);
    const full = computeReturn({ year: 2000, period: ALL_TIME, referrals: subset, children: world.children, codes: world.codes });
    const part = countPeriod(world, ALL_TIME, subset);
    expect(part.populations.referred.children).toBe(3);
    expect(part.breakdowns['referred.children.ethnicityGroup']).toEqual(full.breakdowns['referred.children.ethnicityGroup']);
  });
});

describe('distinct children agree with computeReturn', () => {
  it('for random families with merges and children on several referrals', () => {
    const codes = seedCodes();
    fc.assert(
      fc.property(
        fc.array(fc.option(fc.integer({ min: 1, max: 30 }), { nil: null }), { minLength: 30, maxLength: 30 }),
        fc.array(fc.array(fc.integer({ min: 1, max: 30 }), { minLength: 0, maxLength: 4 }), { minLength: 1, maxLength: 15 }),
        (mergeTargets, referralKids) => {
          const children = mergeTargets.map((m, i) => makeChild({ id: i + 1, merged_into_id: m }));
          const referrals = referralKids.map((kids, i) => makeReferral({ id: i + 1, referral_date: '2024-05-01', children: [...new Set(kids)].map((k) => onReferral(k)) }));
          const ret = computeReturn({ year: 2024, referrals, children, codes });
          const mine = distinctChildren(referrals, survivorResolver(children));
          expect([...mine].sort((a, b) => a - b)).toEqual([...ret.populations.referred.childIds!].sort((a, b) => a - b));
        },
      ),
      { numRuns: 200 },
    );
  });
});
