import { describe, expect, it } from 'vitest';
import { parseDateField, parseFields } from './form-parsing.js';
import type { FieldSpec } from './stages.js';

const spec: FieldSpec = { name: 'offer_date', label: 'Offer date', kind: 'date', required: true };
const body = (d: string, m: string, y: string) => ({ 'offer_date-day': d, 'offer_date-month': m, 'offer_date-year': y });

describe('GOV.UK date input messages', () => {
  it.each([
    [body('', '', ''), 'Enter the offer date'],
    [body('1', '', '2024'), 'Offer date must include a month'],
    [body('', '', '2024'), 'Offer date must include a day and month'],
    [body('30', '2', '2024'), 'Offer date must be a real date'],
    [body('a', '2', '2024'), 'Offer date must be a real date'],
    [body('1', '2', '24'), 'Offer date must be a real date'],
    [body('1', '2', '2099'), 'Offer date must be today or in the past'],
  ])('%o → %s', (input, message) => {
    expect(parseDateField(spec, input, '2025-01-01').error).toBe(message);
  });
  it('accepts a real date and pads it', () => {
    expect(parseDateField(spec, body(' 9 ', '3', '2024'), '2025-01-01')).toMatchObject({ value: '2024-03-09', error: undefined });
  });
  it('allows future dates where the field says so', () => {
    expect(parseDateField({ ...spec, future: true }, body('1', '2', '2026'), '2025-01-01').value).toBe('2026-02-01');
  });
});

describe('codes', () => {
  const codes = { sex: [{ code: 'M', label: 'Male' }, { code: 'X', label: 'Old', retired: true }] };
  const f: FieldSpec[] = [{ name: 'sex', label: 'Sex', kind: 'radios', list: 'sex' }];
  it('refuses unknown and retired codes, unless the record already holds it', () => {
    expect(parseFields(f, { sex: 'Q' }, codes, '2025-01-01').errors.sex).toBe('Select a sex from the list');
    expect(parseFields(f, { sex: 'X' }, codes, '2025-01-01').errors.sex).toBeDefined();
    expect(parseFields(f, { sex: 'X' }, codes, '2025-01-01', { current: { sex: 'X' } }).errors.sex).toBeUndefined();
  });
});
