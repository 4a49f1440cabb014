import { describe, expect, it } from 'vitest';
import { percentile90, timelinessFigures } from './timeliness.js';
import { quarterPeriod, yearPeriod } from './period.js';
import { pureWorld, YEAR } from './test-world.js';

const world = pureWorld();

describe('timeliness', () => {
  it('90th percentile by nearest rank', () => {
    expect(percentile90([])).toBeNull();
    expect(percentile90([5])).toBe(5);
    expect(percentile90([1, 2, 2, 4])).toBe(4);
    expect(percentile90([...Array(10).keys()].map((i) => i + 1))).toBe(9);
    expect(percentile90([...Array(20).keys()].map((i) => i + 1))).toBe(18);
  });

  it('gives median and 90th percentile days from referral to each step', () => {
    const { ret, figures } = timelinessFigures(world, yearPeriod(YEAR));
    expect(figures.overall.offer).toEqual({ count: 4, median: 2, p90: 4 }); // 2, 2, 1, 4
    expect(figures.overall.consent).toEqual({ count: 3, median: 10, p90: 13 }); // R1 10, R4 9, R5 13
    expect(figures.overall.conference).toEqual({ count: 3, median: 35, p90: 36 }); // 35, 30, 36
    expect(figures.overall.plan).toEqual({ count: 2, median: 35.5, p90: 36 }); // R1 35, R5 36
    // the same medians as the annual return
    expect(figures.overall.consent.median).toBe(ret.medians.referralToConsent);
    expect(figures.overall.conference.median).toBe(ret.medians.referralToInitialFgc);
  });

  it('by month of the later date', () => {
    const { figures, tables } = timelinessFigures(world, yearPeriod(YEAR));
    expect(figures.months).toHaveLength(12);
    const april = figures.months.indexOf('2024-04');
    expect(figures.byMonth.consent[april]).toEqual({ count: 2, median: 11.5, p90: 13 }); // R1 (20 Apr) 10, R5 (2 Apr) 13
    expect(figures.byMonth.conference[figures.months.indexOf('2024-10')]).toEqual({ count: 1, median: 30, p90: 30 });
    expect(tables.map((t) => t.id)).toEqual(['timeliness', 'timeliness-consent-by-month', 'timeliness-conference-by-month']);
  });

  it('for a quarter', () => {
    const { figures } = timelinessFigures(world, quarterPeriod(YEAR, 2)); // July to September 2024
    expect(figures.months).toEqual(['2024-07', '2024-08', '2024-09']);
    expect(figures.overall.consent).toEqual({ count: 1, median: 9, p90: 9 }); // R4
  });
});
