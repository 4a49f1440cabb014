import type { Knex } from 'knex';
import { eachAuditRow, type AuditContext, type AuditValue } from '../audit/audit.js';
import { isPostgres } from '../../db/connection.js';
import { pacer } from '../common/next-turn.js';

// Inserting the tens of thousands of records and hundreds of thousands of audit rows of a
// large import: in few statements, several times faster than the query builder, and with
// rows kept flat (one array of values, row after row) rather than as an object each, which
// at that scale is most of the import's memory. PostgreSQL: one JSON parameter per 5,000
// rows, mapped onto the table's column types by json_populate_recordset. SQLite: multi-row
// VALUES, up to 100 rows a statement, letting other requests in every few milliseconds.

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a row of a table's columns, read and written by name (the columns are listed in columns.ts)
type Row = Record<string, any>;

const PG_ROWS = 5000;
const q = (name: string) => `"${name}"`; // our own table and column names

/** `rows` rows of `columns.length` values each, row after row, from the start of `values`. */
export async function insertValues(
  trx: Knex.Transaction, table: string, columns: readonly string[], values: readonly unknown[], rows: number, returning: string[] = [],
): Promise<Row[]> {
  if (!rows) return [];
  const width = columns.length;
  const names = columns.map(q).join(', ');
  const ret = returning.length ? ` returning ${returning.map(q).join(', ')}` : '';
  const out: Row[] = [];
  if (isPostgres(trx)) {
    const sql = `insert into ${q(table)} (${names}) select ${names} from json_populate_recordset(null::${q(table)}, ?)${ret}`;
    const keys = columns.map((c) => `${JSON.stringify(c)}:`);
    for (let first = 0; first < rows; first += PG_ROWS) {
      const last = Math.min(rows, first + PG_ROWS);
      let json = '[';
      for (let r = first; r < last; r++) {
        json += r > first ? ',{' : '{';
        for (let c = 0; c < width; c++) {
          const v = values[r * width + c];
          json += (c ? ',' : '') + keys[c] + (v === undefined || v === null ? 'null' : JSON.stringify(v));
        }
        json += '}';
      }
      for (const row of (await trx.raw(sql, [`${json}]`])).rows) out.push(row);
    }
    return out;
  }
  const perStatement = Math.max(1, Math.min(100, Math.floor(30000 / width)));
  const tuple = `(${columns.map(() => '?').join(', ')})`;
  const sqlFor = (n: number) => `insert into ${q(table)} (${names}) values ${Array(n).fill(tuple).join(', ')}${ret}`;
  const pace = pacer();
  for (let first = 0; first < rows; first += perStatement) {
    const n = Math.min(perStatement, rows - first);
    const params = new Array(n * width);
    for (let i = 0, k = first * width; i < n * width; i++, k++) {
      const v = values[k];
      params[i] = v === undefined ? null : typeof v === 'boolean' ? Number(v) : v;
    }
    const result = await trx.raw(sqlFor(n), params);
    if (returning.length) for (const row of result) out.push(row);
    // Each statement runs synchronously: other requests come in between (see db/long-write.ts).
    await pace.maybe();
  }
  return out;
}

/** Rows as objects: the union of their keys are the columns; a key a row lacks is null. */
export async function bulkInsert(trx: Knex.Transaction, table: string, rows: Row[], returning: string[] = []): Promise<Row[]> {
  if (!rows.length) return [];
  const columns = columnsOf(rows);
  const values: unknown[] = [];
  for (const r of rows) for (const c of columns) values.push(r[c]);
  return insertValues(trx, table, columns, values, rows.length, returning);
}

export function columnsOf(rows: Row[]): string[] {
  const seen = new Set<string>();
  for (const r of rows) for (const k in r) seen.add(k);
  return [...seen];
}

const AUDIT_COLUMNS = ['at', 'user_id', 'action', 'entity', 'entity_id', 'family_id', 'referral_id', 'child_id', 'field', 'old_value', 'new_value'];
/** Audit rows written at a time. */
export const AUDIT_BATCH = 1000;

/**
 * Audit rows for many changes, the same rows auditChanges writes for each (eachAuditRow),
 * gathered flat into one reused buffer and inserted a batch at a time. `audit` says when
 * the batch is full: then await `flush` (also once at the end).
 */
export function auditWriter(trx: Knex.Transaction) {
  const at = new Date().toISOString();
  const width = AUDIT_COLUMNS.length;
  const buffer: unknown[] = new Array(AUDIT_BATCH * width);
  let rows = 0;
  let k = 0;
  return {
    audit(
      ctx: AuditContext, entity: string, id: number, action: 'create' | 'update' | 'delete',
      before: Record<string, AuditValue>, after: Record<string, AuditValue> | readonly Record<string, AuditValue>[],
    ): boolean {
      eachAuditRow(action, before, after, (field, old, value) => {
        buffer[k++] = at;
        buffer[k++] = ctx.userId;
        buffer[k++] = action;
        buffer[k++] = entity;
        buffer[k++] = id;
        buffer[k++] = ctx.familyId ?? null;
        buffer[k++] = ctx.referralId ?? null;
        buffer[k++] = ctx.childId ?? null;
        buffer[k++] = field;
        buffer[k++] = old;
        buffer[k++] = value;
        rows += 1;
      });
      return rows >= AUDIT_BATCH;
    },
    async flush(): Promise<void> {
      const n = rows;
      rows = 0;
      k = 0;
      await insertValues(trx, 'audit_log', AUDIT_COLUMNS, buffer, n);
    },
  };
}
