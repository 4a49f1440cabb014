import { describe, expect, it } from 'vitest';
import { duplicateCmsId } from './duplicate-cms-id.js';
import { cleanChild, context } from '../test-fixtures.js';

const ctx = context({
  cmsIds: [
    { id: 1, cms_id: '1234567', child_ref: 'C000001' },
    { id: 2, cms_id: ' 1234567', child_ref: 'C000002' },
    { id: 3, cms_id: '7654321', child_ref: 'C000003' },
    { id: 4, cms_id: '7654321', child_ref: 'C000004', merged_into_id: 3 },
    { id: 5, cms_id: 'ab 99', child_ref: 'C000005' },
  ],
});

describe(duplicateCmsId.code, () => {
  it('fires when another live child has the same id, ignoring case and spaces', () => {
    expect(duplicateCmsId.check(cleanChild({ id: 1, cms_id: '1234567' }), ctx)[0].message).toContain('C000002');
    expect(duplicateCmsId.check(cleanChild({ id: 2, cms_id: ' 1234567' }), ctx)[0].message).toContain('C000001');
    // a child not yet saved
    expect(duplicateCmsId.check(cleanChild({ id: undefined, cms_id: 'AB99' }), ctx)[0].message).toContain('C000005');
  });
  it('is silent on a unique id, a record merged away, and no id', () => {
    expect(duplicateCmsId.check(cleanChild({ id: 3, cms_id: '7654321' }), ctx)).toEqual([]);
    expect(duplicateCmsId.check(cleanChild({ id: 4, cms_id: '7654321', merged_into_id: 3 }), ctx)).toEqual([]);
    expect(duplicateCmsId.check(cleanChild({ id: 9, cms_id: null }), ctx)).toEqual([]);
  });
});

describe(`${duplicateCmsId.code}: a placeholder id on many children`, () => {
  it('names three and counts the rest (and does not compare every pair: 10^10 steps would time out)', () => {
    const many = Array.from({ length: 100_000 }, (_, i) => ({ id: 100_000 - i, cms_id: '0000000', child_ref: `C${100_000 - i}` }));
    const big = context({ cmsIds: many });
    let last = '';
    for (const c of many) last = duplicateCmsId.check(cleanChild(c), big)[0].message;
    expect(last).toBe('The same case management system ID is on C2, C3, C4 and 99996 more: if they are the same child, merge the records');
  });
});

describe(`${duplicateCmsId.code}: a child listed twice in the context`, () => {
  it('is still one child', () => {
    const twice = context({ cmsIds: [{ id: 1, cms_id: 'X', child_ref: 'C1' }, { id: 1, cms_id: 'X', child_ref: 'C1' }, { id: 2, cms_id: 'Y' }] });
    expect(duplicateCmsId.check(cleanChild({ id: 1, cms_id: 'X' }), twice)).toEqual([]);
  });
});
