import { describe, expect, it } from 'vitest';
import { refusalFigures } from './refusals.js';
import { yearPeriod } from './period.js';
import { pureWorld, YEAR } from './test-world.js';
import type { InsightTable } from './tables.js';

const world = pureWorld();
const period = yearPeriod(YEAR);
/** label -> cells, for rows with anything in them */
const rows = (t: InsightTable) => Object.fromEntries(t.rows.map((r) => [String(r.cells[t.columns[0].key]), r.cells]));

describe('why FGCs do not happen', () => {
  const f = refusalFigures(world, period, 'stageOffered');
  const [declines, notHeld] = f.tables;

  it('counts reasons consent was not given, as FGCs and children', () => {
    const r = rows(declines);
    expect(r['Did not want further involvement / distrust from past experience of services']).toMatchObject({ fgcs: 1, share: 0.5, children: 2 }); // R2: a2, a3
    expect(r['Did not believe it would help']).toMatchObject({ fgcs: 1, children: 1 }); // R3: b1 through its duplicate
    expect(r.Total).toMatchObject({ fgcs: 2, children: 3 });
  });

  it('counts reasons FGCs did not take place, declines under "Consent not given"', () => {
    const r = rows(notHeld);
    expect(r['Consent not given']).toMatchObject({ fgcs: 2, share: 1, children: 3 });
    expect(r.Total.fgcs).toBe(2);
  });

  it('breaks consent decisions and reasons down by stage offered', () => {
    const [decisions, byReason, byNotHeld] = f.byTables;
    const d = rows(decisions);
    expect(d['Early help']).toMatchObject({ consented: 1, declined: 1, decisions: 2, shareDeclined: 0.5 });
    expect(d['Pre-proceedings (including the s.31ZA offer in the letter before proceedings)'] ?? d['Pre-proceedings']).toMatchObject({ consented: 0, declined: 1, shareDeclined: 1 });
    expect(d['Child protection']).toMatchObject({ consented: 1, declined: 0, shareDeclined: 0 });
    expect(d.Total).toMatchObject({ consented: 3, declined: 2, decisions: 5 });
    const stageKey = (label: string) => 'c_' + world.codes.stage_offered.find((s) => s.label.startsWith(label))!.code;
    const r = rows(byReason);
    expect(r['Did not want further involvement / distrust from past experience of services']).toMatchObject({ [stageKey('Pre-proceedings')]: 1, [stageKey('Early help')]: 0, total: 1 });
    expect(r['Did not believe it would help']).toMatchObject({ [stageKey('Early help')]: 1, total: 1 });
    expect(r.Total).toMatchObject({ total: 2 });
    expect(rows(byNotHeld)['Consent not given']).toMatchObject({ [stageKey('Pre-proceedings')]: 1, [stageKey('Early help')]: 1, total: 2 });
    expect(byReason.additive).toBe(true);
  });

  it('breaks them down by a characteristic of the children, each child once per column', () => {
    const g = refusalFigures(world, period, 'ethnicityGroup');
    const [decisions, byReason] = g.byTables;
    const d = rows(decisions);
    // consented in the year: a1 White, a2 Black, b1 Asian (R4), c1 not recorded (R5)
    // declined or no response: a2 Black, a3 not recorded (R2), b1 Asian (R3, through its merged duplicate)
    expect(d.White).toMatchObject({ consented: 1, declined: 0 });
    expect(d.Black).toMatchObject({ consented: 1, declined: 1, shareDeclined: 0.5 });
    expect(d.Asian).toMatchObject({ consented: 1, declined: 1 });
    expect(d['Not recorded']).toMatchObject({ consented: 1, declined: 1 });
    expect(d.Total).toMatchObject({ consented: 4, declined: 3 });
    const r = rows(byReason);
    expect(r['Did not want further involvement / distrust from past experience of services']).toMatchObject({ c_Black: 1, c_NR: 1, c_Asian: 0, total: 2 });
    expect(r['Did not believe it would help']).toMatchObject({ c_Asian: 1, total: 1 });
    expect(byReason.additive).toBe(false);
  });

  it('uses legal status from the earliest referral, and "not known" for children with no CMS id', () => {
    const [decisions] = refusalFigures(world, period, 'legalStatus').byTables;
    const d = rows(decisions);
    expect(d["Not known to children's social care"]).toMatchObject({ declined: 1 }); // a3
    expect(d['Pre-proceedings (Public Law Outline)']).toMatchObject({ declined: 1 }); // a2 on R2
    expect(d['Early help / targeted family help']).toMatchObject({ consented: 1, declined: 1 }); // b1
  });

  it('adds up: every breakdown sums to its total', () => {
    for (const by of ['stageOffered', 'legalStatus', 'ethnicityGroup', 'sex', 'ageBand', 'disability'] as const) {
      const [decisions] = refusalFigures(world, period, by).byTables;
      const body = decisions.rows.filter((r) => !r.total);
      const total = decisions.rows.find((r) => r.total)!;
      expect(body.reduce((a, r) => a + (r.cells.consented as number), 0)).toBe(total.cells.consented);
      expect(body.reduce((a, r) => a + (r.cells.declined as number), 0)).toBe(total.cells.declined);
    }
  });
});
