// A small least-recently-used cache for the insight pages. Entries are keyed by what was asked
// (page, period, filters) and stamped with the data version they were computed from; a stale
// stamp is a miss, though getWithin may answer with the last figures worked out while the new
// ones are being worked out. The data version changes whenever case data, users or code lists change,
// because every such change writes the audit log (server/audit/audit.ts).
import type { Knex } from 'knex';

const LATE = Symbol('late');

interface Entry<V> {
  version: string;
  value: V | Promise<V>;
  /** the last value worked out for the key (this or an earlier version), when, and how long it took */
  last?: { value: V; at: number; tookMs: number };
}

export class LruCache<V> {
  private readonly entries = new Map<string, Entry<V>>();

  constructor(private readonly max: number) {}

  /** The cached value for this key and version, or the one `make` produces (at most one `make` at a time per key). */
  async get(key: string, version: string, make: () => Promise<V>): Promise<V> {
    const hit = this.entries.get(key);
    if (hit && hit.version === version) {
      this.entries.delete(key);
      this.entries.set(key, hit);
      return hit.value;
    }
    const started = performance.now();
    const pending = make();
    this.entries.delete(key);
    this.entries.set(key, { version, value: pending, last: hit?.last });
    while (this.entries.size > this.max) this.entries.delete(this.entries.keys().next().value!);
    try {
      const value = await pending;
      const now = this.entries.get(key);
      if (now && now.value === pending) {
        now.value = value;
        now.last = { value, at: Date.now(), tookMs: performance.now() - started };
      }
      return value;
    } catch (e) {
      if (this.entries.get(key)?.value === pending) this.entries.delete(key);
      throw e;
    }
  }

  /**
   * As get, but when an earlier value is known and the new one is not ready within `waitMs`,
   * the earlier one, with when it was worked out (`asOf`); the new value is still made and kept
   * for the next ask. When the last value took longer than `waitMs` to make, the earlier one is
   * given at once and the new one is started only after (on SQLite a query holds the event loop
   * while it runs, so a timer could not cut the wait short). `asOf` is null for a value of this version.
   */
  async getWithin(key: string, version: string, make: () => Promise<V>, waitMs: number): Promise<{ value: V; asOf: number | null }> {
    const hit = this.entries.get(key);
    const last = hit?.last;
    const ready = hit !== undefined && hit.version === version && !(hit.value instanceof Promise);
    if (!last || ready) return { value: await this.get(key, version, make), asOf: null };
    const stale = { value: last.value, asOf: last.at };
    if (last.tookMs > waitMs) {
      const later = () => new Promise<void>((resolve) => setImmediate(resolve)).then(make);
      this.get(key, version, later).catch(() => undefined); // a failure shows on the next ask
      return stale;
    }
    const fresh = this.get(key, version, make);
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<typeof LATE>((resolve) => (timer = setTimeout(() => resolve(LATE), waitMs)));
    try {
      const first = await Promise.race([fresh, late]);
      if (first !== LATE) return { value: first, asOf: null };
    } finally {
      clearTimeout(timer);
    }
    fresh.catch(() => undefined); // a failure shows on the next ask
    return stale;
  }

  /** The value (or the value being made) for this key and version, if there is one; does not count as a use. */
  peek(key: string, version: string): V | Promise<V> | undefined {
    const hit = this.entries.get(key);
    return hit && hit.version === version ? hit.value : undefined;
  }

  /** Whether anything (of any version) is kept for this key. */
  has(key: string): boolean {
    return this.entries.has(key);
  }

  clear(): void {
    this.entries.clear();
  }

  get size(): number {
    return this.entries.size;
  }
}

/** Audit actions that change nothing the insight pages count (signing in, downloads). */
export const NOT_DATA_CHANGES = ['sign-in', 'sign-in-failed', 'sign-in-refused', 'sign-out', 'export', 'reset-password'];

/**
 * The data version: the newest audit row recording a change (not a sign-in or a download),
 * and the newest referral, child, review and comparison population (in case rows were written
 * without an audit row). Walks primary keys from the end only.
 */
export async function dataVersion(db: Knex): Promise<string> {
  const row = await db
    .select(
      db('audit_log').select('id').whereNotIn('action', NOT_DATA_CHANGES).orderBy('id', 'desc').limit(1).as('a'),
      db('referrals').max('id').as('r'),
      db('children').max('id').as('c'),
      db('review_conferences').max('id').as('v'),
      db('comparison_populations').max('id').as('p'),
    )
    .first();
  return [row?.a, row?.r, row?.c, row?.v, row?.p].map((v) => (v === null || v === undefined ? '-' : String(v))).join('.');
}
