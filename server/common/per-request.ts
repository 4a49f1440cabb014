import type { Knex } from 'knex';

/**
 * A loader read at most once per request: `(db, req) => value`, shared by the middleware,
 * handler and view of one request and forgotten with it. Nothing is kept between requests,
 * so a change made anywhere (another process, another tool) shows on the next request.
 */
export function perRequest<V>(load: (db: Knex) => Promise<V>): (db: Knex, req: object) => Promise<V> {
  const loaded = new WeakMap<object, Promise<V>>();
  return (db, req) => {
    let value = loaded.get(req);
    if (!value) loaded.set(req, (value = load(db)));
    return value;
  };
}
