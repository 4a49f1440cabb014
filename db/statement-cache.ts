// better-sqlite3 compiles a statement each time knex runs a query; a page's handful of
// queries spent about as long being compiled as being run. Each connection keeps its
// recently used statements by SQL text and hands one back instead of compiling it again,
// reset to the defaults a fresh statement has (raw, pluck, expand and safe integers off),
// so what one caller set on it never leaks into the next. A statement still being
// iterated is never handed out: the caller gets a fresh one. SQLite recompiles a cached
// statement itself when the schema changes.

const MAX_STATEMENTS = 200;

interface Statement {
  reader: boolean;
  busy: boolean;
  raw(on: boolean): Statement;
  pluck(on: boolean): Statement;
  expand(on: boolean): Statement;
  safeIntegers(on: boolean): Statement;
}

export function cacheStatements(conn: { prepare(sql: string): Statement }): void {
  const prepare = conn.prepare.bind(conn);
  const cache = new Map<string, Statement>();
  conn.prepare = (sql: string) => {
    const had = cache.get(sql);
    if (had && !had.busy) {
      cache.delete(sql); // re-insert: the map's order is least recently used first
      cache.set(sql, had);
      if (had.reader) had.raw(false).pluck(false).expand(false);
      return had.safeIntegers(false);
    }
    const stmt = prepare(sql);
    if (!had) {
      cache.set(sql, stmt);
      if (cache.size > MAX_STATEMENTS) cache.delete(cache.keys().next().value!);
    }
    return stmt;
  };
}
