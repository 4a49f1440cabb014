import type { Knex } from 'knex';

// PostgreSQL parses and plans every query the driver sends as it comes: for the short
// lookups every page makes (a session, a family's records by its id), planning costs the
// server several times what running them does (0.1 to 0.3 ms against 0.02 ms here). A query
// marked with prepared() is sent instead as a named statement, prepared once per connection
// and run again with new values, so the server reuses the plan. Only for lookups by key,
// whose plan does not depend on the values (PostgreSQL may reuse one generic plan for a
// prepared statement). On SQLite it changes nothing: every statement is kept there anyway
// (statement-cache.ts). DATABASE_PREPARED_STATEMENTS=false turns it off, for a connection
// pooler in transaction mode that cannot keep a connection's prepared statements (PgBouncer
// before 1.21, or without max_prepared_statements): marked queries then run as any other.

/** The most statements one connection keeps prepared; the least recently used is dropped beyond it. */
const MAX_PREPARED = 200;

/** Marks a query to be run as a prepared statement on PostgreSQL. */
export function prepared<T extends Knex.QueryBuilder>(q: T): T {
  return (q as any).client?.config?.client === 'pg' ? (q.options({ prepare: true }) as T) : q;
}

type Callback = (err: (Error & { code?: string }) | null, result?: unknown) => void;
interface PgClient {
  query(config: unknown, callback?: Callback): unknown;
  connection: { parsedStatements: Record<string, string> };
}

/**
 * Makes one pg connection name the queries marked with prepared(), by their text, keeping at
 * most `max`. A statement the server can no longer use (a table it reads changed shape
 * since: "cached plan must not change result type") is dropped and the query run unprepared.
 */
export function prepareMarkedQueries(conn: PgClient, max = MAX_PREPARED): void {
  const query = conn.query.bind(conn);
  const names = new Map<string, string>(); // text -> statement name, least recently used first
  let next = 0;
  /** Drops a statement on the server, then runs `then` (one query at a time on a connection). */
  const forget = (text: string, name: string, then: () => unknown) => {
    names.delete(text);
    delete conn.connection.parsedStatements[name];
    return query({ text: `deallocate ${name}` }, () => then());
  };
  conn.query = (config: any, callback?: Callback) => {
    if (!config || typeof config !== 'object' || !config.prepare) return query(config, callback);
    const { prepare: _prepare, ...unmarked } = config;
    if (!callback) return query(unmarked); // knex always passes one: nothing else marks queries
    let name = names.get(config.text);
    if (name) names.delete(config.text);
    else name = `fgc_${++next}`;
    const statement = name;
    const run = () => query({ ...unmarked, name: statement }, (err, result) => {
      if (err?.code === '0A000' && /cached plan must not change result type/.test(err.message)) {
        return forget(config.text, statement, () => query(unmarked, callback));
      }
      callback(err, result);
    });
    names.set(config.text, statement);
    if (names.size <= max) return run();
    const [oldText, oldName] = names.entries().next().value!;
    return forget(oldText, oldName, run);
  };
}
