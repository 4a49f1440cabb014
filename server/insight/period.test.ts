import { describe, expect, it } from 'vitest';
import { financialYearOf, monthLabel, monthsBetween, parsePeriod, periodQuery, quarterPeriod, yearsOffered } from './period.js';

const dateQuery = (from: [string, string, string], to: [string, string, string]) => ({
  'from-day': from[0], 'from-month': from[1], 'from-year': from[2], 'to-day': to[0], 'to-month': to[1], 'to-year': to[2],
});

describe('period picker', () => {
  it('defaults to the financial year today is in', () => {
    expect(parsePeriod({}, '2025-03-31').period).toMatchObject({ from: '2024-04-01', to: '2025-03-31', label: '2024-25', kind: 'year' });
    expect(parsePeriod({}, '2025-04-01').period).toMatchObject({ from: '2025-04-01', to: '2026-03-31', label: '2025-26' });
  });

  it('takes a financial year and a quarter of it', () => {
    expect(parsePeriod({ year: '2023' }, '2025-06-01').period).toMatchObject({ from: '2023-04-01', to: '2024-03-31', label: '2023-24' });
    expect(parsePeriod({ year: '2023', quarter: '1' }, '2025-06-01').period).toMatchObject({ from: '2023-04-01', to: '2023-06-30', kind: 'quarter' });
    expect(quarterPeriod(2023, 3)).toMatchObject({ from: '2023-10-01', to: '2023-12-31', label: '2023-24 quarter 3 (October to December 2023)' });
    expect(quarterPeriod(2023, 4)).toMatchObject({ from: '2024-01-01', to: '2024-03-31', label: '2023-24 quarter 4 (January to March 2024)' });
  });

  it('refuses a year or quarter not in the lists', () => {
    expect(parsePeriod({ year: '20x3' }, '2025-06-01')).toMatchObject({ period: null, errors: { year: 'Select a financial year from the list' } });
    expect(parsePeriod({ year: '2040' }, '2025-06-01').errors.year).toBeDefined();
    expect(parsePeriod({ quarter: '5' }, '2025-06-01').errors.quarter).toBe('Select a quarter from the list, or the whole year');
  });

  it('takes any date range, which replaces the year', () => {
    const p = parsePeriod({ year: '2020', ...dateQuery(['5', '5', '2024'], ['20', '8', '2024']) }, '2025-06-01');
    expect(p.errors).toEqual({});
    expect(p.period).toEqual({ from: '2024-05-05', to: '2024-08-20', label: '5 May 2024 to 20 August 2024', kind: 'dates' });
    expect(periodQuery(p.period!)).toEqual({ 'from-day': '5', 'from-month': '5', 'from-year': '2024', 'to-day': '20', 'to-month': '8', 'to-year': '2024' });
  });

  it('gives GOV.UK date messages', () => {
    const errors = (from: [string, string, string], to: [string, string, string]) => parsePeriod(dateQuery(from, to), '2025-06-01').errors;
    expect(errors(['', '', ''], ['1', '1', '2025'])).toEqual({ from: 'Enter the start date' });
    expect(errors(['1', '', '2024'], ['1', '1', '2025'])).toEqual({ from: 'Start date must include a month' });
    expect(errors(['', '', '2024'], ['1', '1', '2025'])).toEqual({ from: 'Start date must include a day and month' });
    expect(errors(['31', '2', '2024'], ['1', '1', '2025'])).toEqual({ from: 'Start date must be a real date' });
    expect(errors(['1', 'x', '2024'], ['1', '1', '2025'])).toEqual({ from: 'Start date must be a real date' });
    expect(errors(['1', '2', '24'], ['1', '1', '2025'])).toEqual({ from: 'The year of the start date must include 4 numbers' });
    expect(errors(['1', '2', '2024'], ['', '', ''])).toEqual({ to: 'Enter the end date' });
    expect(errors(['1', '2', '2024'], ['31', '1', '2024'])).toEqual({ to: 'End date must be the same as or after 1 February 2024' });
    expect(errors(['1', '2', '2024'], ['1', '2', '2024'])).toEqual({});
  });

  it('offers years from the earliest referral to now, newest first', () => {
    expect(yearsOffered('2025-06-01', '2023-01-15').map((y) => y.text)).toEqual(['2025-26', '2024-25', '2023-24', '2022-23']);
    expect(yearsOffered('2025-06-01', null).map((y) => y.value)).toEqual(['2025', '2024']);
    expect(financialYearOf('2024-03-31')).toBe(2023);
  });

  it('lists months', () => {
    expect(monthsBetween('2024-11-15', '2025-02-01')).toEqual(['2024-11', '2024-12', '2025-01', '2025-02']);
    expect(monthLabel('2025-02')).toBe('February 2025');
    expect(monthLabel('2025-02', true)).toBe('Feb 2025');
  });
});
