// Stored comparison populations (table comparison_populations, migration 004).
import type { Knex } from 'knex';
import { auditEvent } from '../audit/audit.js';
import { insertReturningId } from '../cases/locking.js';
import type { ComparisonRow } from './comparison.js';

export interface ComparisonSummary {
  id: number;
  name: string;
  uploadedAt: string;
  uploadedBy: string | null;
  rows: number;
  characteristics: string[];
}

export interface Comparison extends ComparisonSummary {
  data: ComparisonRow[];
}

/** A comparison_populations row with its uploader's name, as base() selects it. */
interface ComparisonDbRow {
  id: number | string;
  name: string;
  uploaded_at: string;
  /** the rows as JSON */
  rows: string;
  uploaded_by_name: string | null;
}

function toComparison(r: ComparisonDbRow): Comparison {
  const data: ComparisonRow[] = JSON.parse(r.rows);
  return {
    id: Number(r.id), name: r.name, uploadedAt: r.uploaded_at, uploadedBy: r.uploaded_by_name ?? null, rows: data.length,
    characteristics: [...new Set(data.map((d) => d.characteristic))], data,
  };
}

const base = (db: Knex) => db('comparison_populations as p').leftJoin('users as u', 'u.id', 'p.uploaded_by')
  .select('p.id', 'p.name', 'p.uploaded_at', 'p.rows', 'u.name as uploaded_by_name');

/** Newest first. */
export async function listComparisons(db: Knex): Promise<ComparisonSummary[]> {
  const rows: ComparisonDbRow[] = await base(db).orderBy([{ column: 'p.uploaded_at', order: 'desc' }, { column: 'p.id', order: 'desc' }]);
  return rows.map((r) => {
    const { data, ...summary } = toComparison(r);
    return summary;
  });
}

export async function getComparison(db: Knex, id: number): Promise<Comparison | null> {
  const r: ComparisonDbRow | undefined = await base(db).where('p.id', id).first();
  return r ? toComparison(r) : null;
}

export async function saveComparison(db: Knex, userId: number, name: string, rows: ComparisonRow[]): Promise<number> {
  return db.transaction(async (trx) => {
    const id = await insertReturningId(trx, 'comparison_populations', { name, uploaded_by: userId, uploaded_at: new Date().toISOString(), rows: JSON.stringify(rows) });
    await auditEvent(trx, userId, 'create', 'comparison-population', `${id}: ${name} (${rows.length} rows)`);
    return id;
  });
}

export async function deleteComparison(db: Knex, userId: number, id: number): Promise<boolean> {
  return db.transaction(async (trx) => {
    const row = await trx('comparison_populations').where({ id }).first('name');
    if (!row) return false;
    await trx('comparison_populations').where({ id }).delete();
    await auditEvent(trx, userId, 'delete', 'comparison-population', `${id}: ${row.name}`);
    return true;
  });
}
