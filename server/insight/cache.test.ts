import { describe, expect, it } from 'vitest';
import { LruCache } from './cache.js';

describe('the insight cache', () => {
  it('keeps a value for its data version only', async () => {
    const c = new LruCache<number>(2);
    let made = 0;
    const make = async () => ++made;
    expect(await c.get('a', 'v1', make)).toBe(1);
    expect(await c.get('a', 'v1', make)).toBe(1);
    expect(await c.get('a', 'v2', make)).toBe(2);
  });

  it('makes a value once when asked twice at the same time, and forgets failures', async () => {
    const c = new LruCache<number>(2);
    let made = 0;
    const slow = () => new Promise<number>((r) => setTimeout(() => r(++made), 10));
    expect(await Promise.all([c.get('a', 'v', slow), c.get('a', 'v', slow)])).toEqual([1, 1]);
    await expect(c.get('b', 'v', () => Promise.reject(new Error('no')))).rejects.toThrow('no');
    expect(await c.get('b', 'v', async () => 7)).toBe(7);
  });

  it('drops the least recently used', async () => {
    const c = new LruCache<string>(2);
    await c.get('a', 'v', async () => 'a');
    await c.get('b', 'v', async () => 'b');
    await c.get('a', 'v', async () => 'x'); // a is used again
    await c.get('c', 'v', async () => 'c'); // b goes
    expect(c.size).toBe(2);
    expect(await c.get('b', 'v', async () => 'b2')).toBe('b2');
    expect(await c.get('c', 'v', async () => 'nope')).toBe('c');
  });
});

describe('the data version', () => {
  it('changes with case data, not with signing in or downloading', async () => {
    const { createTestDb } = await import('../../test/support/db.js');
    const { auditEvent } = await import('../audit/audit.js');
    const { dataVersion } = await import('./cache.js');
    const t = await createTestDb();
    try {
      const v0 = await dataVersion(t.db);
      await auditEvent(t.db, null, 'sign-in', 'user');
      await auditEvent(t.db, null, 'export', 'insight', 'funnel');
      expect(await dataVersion(t.db)).toBe(v0);
      await auditEvent(t.db, null, 'update', 'code_list:sex', 'U');
      expect(await dataVersion(t.db)).not.toBe(v0);
    } finally {
      await t.destroy();
    }
  });
});
