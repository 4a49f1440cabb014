import type { Knex } from 'knex';
import type { MARKED_TABLES } from '../../db/migrations/010_change_markers.js';
import { prepared } from '../../db/prepared-statements.js';
import { FreshReads } from './fresh-reads.js';

// Small tables that nearly every page reads (code lists, users, service settings) kept in
// each process's memory, and still never out of date, with several processes on one
// database: any write to such a table gives its change marker a new value (database
// triggers, migration 010), and a request reads every marker in one small query before it
// uses a kept copy. A copy is used only while its table's marker is the one it was loaded
// under; otherwise it is loaded again. The marker is read before the rows, so a copy is
// never older than the marker it is filed under.

export type MarkedTable = (typeof MARKED_TABLES)[number];
export type Markers = Readonly<Record<MarkedTable, string>>;

export async function readMarkers(db: Knex): Promise<Markers> {
  const rows: { name: MarkedTable; version: string }[] = await prepared(db('change_markers').select('name', 'version'));
  return Object.fromEntries(rows.map((r) => [r.name, r.version])) as Markers;
}

// Markers are read for many requests at once, never with a read that began before a request
// arrived (FreshReads).
const reads = new WeakMap<Knex, FreshReads<Markers>>();
const perRequest = new WeakMap<object, Promise<Markers>>();

/** The markers for this request, read after it arrived; one read per request, however many kept tables it uses. */
export function requestMarkers(db: Knex, req: object): Promise<Markers> {
  let markers = perRequest.get(req);
  if (!markers) {
    let r = reads.get(db);
    if (!r) reads.set(db, (r = new FreshReads(() => readMarkers(db))));
    perRequest.set(req, (markers = r.get()));
  }
  return markers;
}

/**
 * Middleware: starts reading the markers as a request comes in, beside the session read, so
 * on PostgreSQL the two take one round trip's wait instead of two.
 */
export function readMarkersEarly(db: Knex) {
  return (req: object, _res: unknown, next: () => void) => {
    requestMarkers(db, req).catch(() => undefined); // a failure is the first user's to report
    next();
  };
}

/** Makes a value read-only all the way down (arrays, plain objects, Maps' values), so no caller can change a shared copy. */
export function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    if (value instanceof Map) for (const v of value.values()) deepFreeze(v);
    else for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}

/**
 * A loader kept per database and checked against the table's marker on each request:
 * `(db, req) => value`, loading again (once, however many requests ask) after any change.
 * The value is frozen: it is shared by every request of the process.
 */
export function keptPerRequest<V>(table: MarkedTable, load: (db: Knex) => Promise<V>): (db: Knex, req: object) => Promise<V> {
  const kept = new WeakMap<Knex, { version: string; value: Promise<V> }>();
  return async (db, req) => {
    const version = (await requestMarkers(db, req))[table];
    if (version === undefined) return load(db).then(deepFreeze); // no marker row: nothing can be kept
    const held = kept.get(db);
    if (held && held.version === version) return held.value;
    const value = load(db).then(deepFreeze);
    kept.set(db, { version, value });
    value.catch(() => {
      if (kept.get(db)?.value === value) kept.delete(db);
    });
    return value;
  };
}
