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

  it('answers with the last value worked out while a new version takes longer than asked to wait', async () => {
    const c = new LruCache<string>(2);
    let release!: () => void;
    const slow = () => new Promise<string>((r) => (release = () => r('new')));
    expect(await c.getWithin('a', 'v1', async () => 'old', 50)).toEqual({ value: 'old', asOf: null });
    const before = Date.now();
    const stale = await c.getWithin('a', 'v2', slow, 20);
    expect(stale.value).toBe('old');
    expect(stale.asOf).toBeLessThanOrEqual(before);
    // still being made: asked again, the old value again, and the new one is made once
    expect((await c.getWithin('a', 'v2', async () => 'made twice', 20)).value).toBe('old');
    release();
    expect(await c.getWithin('a', 'v2', async () => 'made twice', 20)).toEqual({ value: 'new', asOf: null });
    // nothing worked out before: waits for it however long it takes
    expect(await c.getWithin('b', 'v1', () => new Promise((r) => setTimeout(() => r('b'), 40)), 5)).toEqual({ value: 'b', asOf: null });
  });

  it('waits for a new value when the last took no longer than the wait, and gives the old one at once when it took longer', async () => {
    const c = new LruCache<string>(2);
    const after = (ms: number, value: string) => () => new Promise<string>((r) => setTimeout(() => r(value), ms));
    await c.getWithin('a', 'v1', async () => 'quick', 1000);
    // the last took ~0 ms: worth waiting for
    expect(await c.getWithin('a', 'v2', after(30, 'new'), 1000)).toEqual({ value: 'new', asOf: null });
    // the last took ~30 ms, longer than 10: the old one at once, and the new one is not even started yet
    let started = false;
    const t0 = performance.now();
    const r = await c.getWithin('a', 'v3', () => { started = true; return after(5, 'newer')(); }, 10);
    expect(r.value).toBe('new');
    expect(r.asOf).not.toBeNull();
    expect(started).toBe(false);
    expect(performance.now() - t0).toBeLessThan(10);
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(started).toBe(true);
    expect(await c.getWithin('a', 'v3', after(1, 'never'), 10)).toEqual({ value: 'newer', asOf: null });
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
