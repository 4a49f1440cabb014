import { AsyncLocalStorage } from 'node:async_hooks';
import type { Knex } from 'knex';

// A long write on SQLite (a large import: seconds) without holding up other users.
//
// SQLite has one writer at a time. The app's own connection is one (knex pool of one), so a
// long transaction on it would make every other request, page reads included, wait for it.
// The long write therefore runs on a connection of its own (see longWriteTransaction in
// connection.ts): in WAL mode readers carry on beside it. Other writes must then wait for it,
// but not in SQLite: better-sqlite3 waits for a lock synchronously (busy_timeout), which
// would freeze the whole process, and a write that began reading before the long write
// started could not finish at all (SQLITE_BUSY). They wait here instead, asynchronously and
// before taking the app's connection, so reads go on in the meantime:
// - the app connection's writes and transactions pass the gate while no long write holds it
//   (counted, so a long write starts only once those under way are done);
// - a long write closes the gate, waits for those under way, runs, then opens it again.
// Reads (selects outside a transaction) never wait.

export class WriteGate {
  /** writes and transactions of the app's connection under way */
  private active = 0;
  /** a long write's turn (waiting for those under way, or running); resolves when it ends */
  private held: Promise<void> | null = null;
  private drained: (() => void) | null = null;

  /** Takes a place at once if the gate is open. */
  tryEnter(): boolean {
    if (this.held) return false;
    this.active += 1;
    return true;
  }

  async enter(): Promise<void> {
    if (this.held && insideLongWrite.getStore() === this) {
      // It would wait for the long write, which waits for it.
      throw new Error('A write on the app connection from inside a long write: use the long write’s transaction');
    }
    while (this.held) await this.held;
    this.active += 1;
  }

  leave(): void {
    this.active -= 1;
    if (this.active === 0 && this.drained) {
      const drained = this.drained;
      this.drained = null;
      drained();
    }
  }

  /** whether a long write holds (or waits for) the gate */
  get closed(): boolean {
    return !!this.held;
  }

  /** Runs `work` alone: later writes wait until it is done; it waits for those under way. */
  async alone<T>(work: () => Promise<T>): Promise<T> {
    while (this.held) await this.held;
    let open!: () => void;
    this.held = new Promise<void>((resolve) => (open = resolve));
    try {
      if (this.active > 0) await new Promise<void>((resolve) => (this.drained = resolve));
      return await insideLongWrite.run(this, work);
    } finally {
      this.held = null;
      open();
    }
  }
}

/** the gate whose long write the running code is part of */
const insideLongWrite = new AsyncLocalStorage<WriteGate>();

const gates = new WeakMap<object, WriteGate>();

export const writeGateOf = (db: Knex): WriteGate | undefined => gates.get(db.client);

const READ_METHODS = new Set(['select', 'first', 'pluck', 'columnInfo']);
const WRITE_SQL = /^\s*(insert|update|delete|replace|create|drop|alter|begin|commit|rollback|savepoint|release|vacuum|reindex|analyze|attach|detach)\b/i;

/** Whether a query builder, raw query or schema builder may write. */
function writes(builder: any): boolean {
  if (typeof builder._method === 'string') return !READ_METHODS.has(builder._method);
  if (typeof builder.sql === 'string') {
    const sql: string = builder.sql;
    if (WRITE_SQL.test(sql)) return true;
    if (/^\s*pragma\b/i.test(sql)) return sql.includes('=');
    if (/^\s*with\b/i.test(sql)) return /\b(insert|update|delete|replace)\b/i.test(sql);
    return false;
  }
  return true; // a schema builder
}

/**
 * Puts the app connection's writes and top-level transactions behind a gate (SQLite only:
 * see above). Queries inside a transaction are not gated again: its client is another object.
 */
export function installWriteGate(db: Knex): WriteGate {
  const client = db.client as any;
  const gate = new WriteGate();
  gates.set(client, gate);

  const runner = client.runner.bind(client);
  client.runner = (builder: any) => {
    const r = runner(builder);
    if (!writes(builder)) return r;
    const run = r.run.bind(r);
    r.run = async () => {
      if (!gate.tryEnter()) await gate.enter();
      try {
        return await run();
      } finally {
        gate.leave();
      }
    };
    return r;
  };

  const transaction = client.transaction.bind(client);
  client.transaction = (container: unknown, config: { connection?: unknown } | undefined, outerTx: unknown) => {
    // Nested, or on a connection a query already holds (knex's own, for some schema changes): already gated.
    if (outerTx || config?.connection) return transaction(container, config, outerTx);
    const begin = () => {
      const trx = transaction(container, config, outerTx);
      trx.then(() => gate.leave(), () => gate.leave());
      return trx;
    };
    // Open: the transaction itself, as knex gives it. Closed: a promise of its outcome.
    if (gate.tryEnter()) return begin();
    return gate.enter().then(begin);
  };
  return gate;
}
