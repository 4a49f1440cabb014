import { describe, expect, it } from 'vitest';
import { EQUITY_DIMENSIONS, equityDimension, equityFigures, equityTable } from './equity.js';
import { countPeriod } from './common.js';
import { yearPeriod } from './period.js';
import { pureWorld, YEAR } from './test-world.js';

const world = pureWorld();
const ret = countPeriod(world, yearPeriod(YEAR));
const dim = (key: string) => EQUITY_DIMENSIONS.find((d) => d.key === key)!;

describe('equity of access', () => {
  it('gives shares of the children referred, consented and conferenced, leaving out "Not recorded"', () => {
    const d = equityDimension(ret, dim('ethnicityGroup'), null);
    const row = (code: string) => d.rows.find((r) => r.code === code)!;
    // referred: a1 White, a2 Black, b1 Asian, a3 and c1 not recorded
    expect(row('White').counts).toEqual({ referred: 1, consented: 1, tookPlace: 1 });
    expect(row('White').shares.referred).toBeCloseTo(1 / 3);
    expect(row('NR').counts.referred).toBe(2);
    expect(row('NR').shares.referred).toBeNull();
    expect(row('White').index.referred).toBeNull();
    expect(d.compared).toBe(false);
  });

  it('compares with a comparison population: representation index and small-number warnings', () => {
    const comparison = [
      { characteristic: 'ethnicity_group', category_code: 'White', count: 800 },
      { characteristic: 'ethnicity_group', category_code: 'Black', count: 100 },
      { characteristic: 'ethnicity_group', category_code: 'Asian', count: 100 },
      { characteristic: 'sex', category_code: 'F', count: 5 },
      { characteristic: 'sex', category_code: 'M', count: 500 },
    ];
    const d = equityDimension(ret, dim('ethnicityGroup'), comparison);
    const row = (code: string) => d.rows.find((r) => r.code === code)!;
    expect(d.compared).toBe(true);
    expect(row('White').comparisonShare).toBeCloseTo(0.8);
    expect(row('White').index.referred).toBeCloseTo((1 / 3) / 0.8);
    expect(row('Black').index.referred).toBeCloseTo((1 / 3) / 0.1);
    expect(row('Mixed').comparisonCount).toBeNull(); // not in the comparison: no share, no index
    expect(row('Mixed').index.referred).toBeNull();
    expect(row('White').small).toEqual(['referred', 'consented', 'tookPlace']);
    const table = equityTable(d);
    expect(table.rows.find((r) => r.cells.category === 'White')!.warning).toBe('Fewer than 10 referred, consented, conferenced');
    const sex = equityDimension(ret, dim('sex'), comparison);
    expect(sex.rows.find((r) => r.code === 'F')!.small).toContain('comparison');
    // b1 (Asian) is conferenced, so Asian is in the table; a category only we have is listed as not compared
    const withoutAsian = equityDimension(ret, dim('ethnicityGroup'), comparison.filter((c) => c.category_code !== 'Asian'));
    expect(withoutAsian.notCompared).toEqual(['Asian']);
    expect(withoutAsian.rows.find((r) => r.code === 'White')!.shares.referred).toBeCloseTo(1 / 2);
  });

  it('has a table for every characteristic, each adding up to its population', () => {
    const dims = equityFigures(ret, null);
    expect(dims.map((d) => d.key)).toEqual(['ethnicityGroup', 'sex', 'ageBand', 'disability', 'legalStatus', 'ethnicity']);
    for (const d of dims) {
      const t = equityTable(d);
      const total = t.rows.find((r) => r.total)!.cells;
      expect(total.referred).toBe(5);
      expect(total.consented).toBe(4);
      expect(total.tookPlace).toBe(4);
    }
    const age = dims.find((d) => d.key === 'ageBand')!;
    const counts = Object.fromEntries(age.rows.filter((r) => r.counts.referred).map((r) => [r.code, r.counts.referred]));
    expect(counts).toEqual({ UNBORN: 1, '1-4': 1, '5-9': 1, '10-15': 1, '16-17': 1 });
  });
});
