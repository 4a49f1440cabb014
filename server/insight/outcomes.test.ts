import { describe, expect, it } from 'vitest';
import { DUE_NOT_RECORDED, NOT_YET_DUE, dueOutcomes, outcomeFigures } from './outcomes.js';
import { yearPeriod } from './period.js';
import { pureWorld, TODAY, YEAR } from './test-world.js';
import { nextStep } from '../cases/next-step.js';
import { makeChild, makeReferral, onReferral } from '../annual-return/test-fixtures.js';

const world = pureWorld();

describe('outcomes at 6 and 12 months', () => {
  const f = outcomeFigures(world, yearPeriod(YEAR), TODAY);
  const counts = (g: typeof f.held, view: string) => Object.fromEntries(g.counts[view]);

  it('compares children whose FGC was held with those whose FGC did not take place', () => {
    // held in the year: R1 (a1, a2), R4 (b1), R5 (c1); closed without one: R2 (a2, a3), R3 (b1 through its duplicate)
    expect(f.held.children).toBe(4);
    expect(f.held.children).toBe(f.ret.populations.tookPlace.children);
    expect(f.notHeld.children).toBe(3);
    expect(counts(f.held, '6m_legal_status')).toEqual({ CIN: 1, CO: 1, [DUE_NOT_RECORDED]: 2 }); // a2 due Nov 2024, b1 due Apr 2025
    expect(counts(f.held, '12m_legal_status')).toEqual({ [DUE_NOT_RECORDED]: 3, [NOT_YET_DUE]: 1 }); // b1 due Oct 2025
    expect(counts(f.notHeld, '6m_living')).toEqual({ PARENTS: 1, [DUE_NOT_RECORDED]: 2 });
  });

  it('tables with shares of the children with an outcome recorded', () => {
    const t = f.tables.find((x) => x.id === 'outcome-6m_legal_status')!;
    const row = (label: string) => t.rows.find((r) => r.cells.outcome === label)!.cells;
    expect(row('Child in need plan')).toMatchObject({ held: 1, heldShare: 0.5, notHeld: 0, notHeldShare: 0 });
    expect(row("Not open to children's social care")).toMatchObject({ held: 0, notHeld: 1, notHeldShare: 1 });
    expect(row('Due but not recorded')).toMatchObject({ held: 2, heldShare: null, notHeld: 2 });
    expect(row('Total children')).toMatchObject({ held: 4, notHeld: 3 });
    const body = t.rows.filter((r) => !r.total);
    expect(body.reduce((a, r) => a + (r.cells.held as number), 0)).toBe(4);
  });

  it('lists outcomes due and not recorded, oldest first, when the case page says they are due', () => {
    const due = dueOutcomes(world.referrals, TODAY);
    expect(due.map((d) => [d.referralRef, d.months, d.due, d.children])).toEqual([
      ['R1', 6, '2024-11-15', 1], // a2
      ['R4', 6, '2025-04-01', 1], // b1
      ['R5', 12, '2025-04-25', 1],
      ['R1', 12, '2025-05-15', 2],
    ]);
    // agrees with the next step shown on each case
    for (const r of world.referrals) {
      const step = nextStep(r, TODAY);
      const first = due.find((d) => d.referralId === r.id);
      if (step.kind === 'outcome-6' || step.kind === 'outcome-12') expect(first).toMatchObject({ months: step.kind === 'outcome-6' ? 6 : 12, due: step.due });
      else expect(first).toBeUndefined();
    }
    expect(dueOutcomes(world.referrals, '2024-11-14')).toEqual([]);
  });

  it('lists outcomes due on the same day by referral reference, not by id or input order', () => {
    const child = makeChild({ id: 1 });
    const held = { initial_fgc_date: '2024-05-15', children: [onReferral(child)] };
    // FGC-0002 is the lower reference, with the higher id, and comes second in the input.
    const low = makeReferral({ id: 90, referral_ref: 'FGC-0002', ...held });
    const high = makeReferral({ id: 10, referral_ref: 'FGC-0010', ...held });
    for (const order of [[high, low], [low, high]]) {
      expect(dueOutcomes(order, TODAY).map((d) => [d.due, d.referralRef])).toEqual([
        ['2024-11-15', 'FGC-0002'], ['2024-11-15', 'FGC-0010'], ['2025-05-15', 'FGC-0002'], ['2025-05-15', 'FGC-0010'],
      ]);
    }
  });
});
