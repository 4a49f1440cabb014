import { describe, expect, it } from 'vitest';
import { cmsIdFormat } from './cms-id-format.js';
import { cleanChild, context } from '../test-fixtures.js';

const seven = context({ cmsIdPattern: '^[0-9]{7}$' });

describe(cmsIdFormat.code, () => {
  it('fires on an id not in the service format', () => {
    expect(cmsIdFormat.check(cleanChild({ cms_id: 'AB12345' }), seven).map((f) => f.field)).toEqual(['cms_id']);
    expect(cmsIdFormat.check(cleanChild({ cms_id: '123456' }), seven)).toHaveLength(1);
  });
  it('is silent on a matching id, no id, no format set, or a format that does not compile', () => {
    expect(cmsIdFormat.check(cleanChild({ cms_id: '1234567' }), seven)).toEqual([]);
    expect(cmsIdFormat.check(cleanChild({ cms_id: null }), seven)).toEqual([]);
    expect(cmsIdFormat.check(cleanChild({ cms_id: 'anything' }), context())).toEqual([]);
    expect(cmsIdFormat.check(cleanChild({ cms_id: 'anything' }), context({ cmsIdPattern: '([' }))).toEqual([]);
  });
});
