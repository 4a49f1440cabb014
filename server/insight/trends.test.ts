import { describe, expect, it } from 'vitest';
import { monthlyTrend, trendRange, trendTable } from './trends.js';
import { pureWorld } from './test-world.js';

describe('trends', () => {
  it('covers the last 24 months to today', () => {
    const r = trendRange('2025-06-01');
    expect(r.months).toHaveLength(24);
    expect(r.months[0]).toBe('2023-07');
    expect(r.months.at(-1)).toBe('2025-06');
    expect(r).toMatchObject({ from: '2023-07-01', to: '2025-06-30' });
  });

  it('counts referrals, initial conferences and reviews by month', () => {
    const { months } = trendRange('2025-06-01');
    const trend = monthlyTrend(pureWorld(), months);
    const at = (m: string) => trend.find((t) => t.month === m)!;
    expect(at('2024-03')).toMatchObject({ referrals: 1, conferences: 0 }); // R5
    expect(at('2024-04')).toMatchObject({ referrals: 1, conferences: 1 }); // R1 referred, R5's conference
    expect(at('2024-05')).toMatchObject({ referrals: 0, conferences: 1 }); // R1's conference
    expect(at('2024-08')).toMatchObject({ reviews: 1 });
    expect(trend.reduce((a, t) => a + t.referrals, 0)).toBe(6);
    expect(trend.reduce((a, t) => a + t.conferences, 0)).toBe(3);
    expect(trendTable(trend).rows[0].cells.month).toBe('July 2023');
  });

  it('marks the month today is in as partial, unless today is its last day', () => {
    const { months } = trendRange('2025-06-12');
    const table = trendTable(monthlyTrend(pureWorld(), months), '2025-06-12');
    const partial = table.rows.filter((r) => r.partial);
    expect(partial.map((r) => r.cells.month)).toEqual(['June 2025']);
    expect(partial[0].warning).toBe('Partial month: counted to 12 June');
    expect(table.note).toContain('June 2025 is not over');
    const whole = trendTable(monthlyTrend(pureWorld(), trendRange('2025-06-30').months), '2025-06-30');
    expect(whole.rows.some((r) => r.partial)).toBe(false);
  });
});
