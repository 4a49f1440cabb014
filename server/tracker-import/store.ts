import type { Knex } from 'knex';
import { parseMapping, type TrackerMapping } from './mapping.js';
import { THIS_RUNNER } from './runner.js';
import { writesAllowed } from '../../db/long-write.js';

// The saved mappings and the uploaded trackers (migration 006).

export interface SavedMapping {
  id: number;
  name: string;
  mapping: TrackerMapping;
  updated_at: string;
  last_used_at: string | null;
}

const now = () => new Date().toISOString();
const insertedId = (row: unknown) => Number(typeof row === 'object' && row !== null ? (row as { id: number }).id : row);

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a tracker_mappings row as the driver gives it
function toSaved(r: Record<string, any>): SavedMapping | null {
  let json: unknown;
  try {
    json = JSON.parse(r.mapping);
  } catch {
    return null;
  }
  const parsed = parseMapping(json);
  if ('error' in parsed) return null;
  return { id: Number(r.id), name: r.name, mapping: parsed.mapping, updated_at: r.updated_at, last_used_at: r.last_used_at ?? null };
}

/** Every saved mapping, most recently used first. */
export async function listMappings(db: Knex): Promise<SavedMapping[]> {
  const rows = await db('tracker_mappings').select('*');
  return rows
    .map(toSaved)
    .filter((m): m is SavedMapping => !!m)
    .sort((a, b) => (b.last_used_at ?? b.updated_at).localeCompare(a.last_used_at ?? a.updated_at) || a.name.localeCompare(b.name));
}

export async function getMapping(db: Knex, id: number): Promise<SavedMapping | null> {
  const r = await db('tracker_mappings').where({ id }).first();
  return r ? toSaved(r) : null;
}

export async function findMappingByName(db: Knex, name: string): Promise<SavedMapping | null> {
  const rows = await db('tracker_mappings').select('*');
  const r = rows.find((x) => x.name.trim().toLowerCase() === name.trim().toLowerCase());
  return r ? toSaved(r) : null;
}

/** Saves under a name, replacing a mapping of the same name (case-insensitive). */
export async function saveMapping(db: Knex, name: string, mapping: TrackerMapping, userId: number | null): Promise<number> {
  const at = now();
  const existing = await findMappingByName(db, name);
  if (existing) {
    await db('tracker_mappings').where({ id: existing.id }).update({ name: name.trim(), mapping: JSON.stringify(mapping), updated_at: at });
    return existing.id;
  }
  const [row] = await db('tracker_mappings')
    .insert({ name: name.trim(), mapping: JSON.stringify(mapping), created_by: userId, created_at: at, updated_at: at })
    .returning('id');
  return insertedId(row);
}

export async function touchMapping(db: Knex, id: number): Promise<void> {
  await db('tracker_mappings').where({ id }).update({ last_used_at: now() });
}

export async function deleteMapping(db: Knex, id: number): Promise<boolean> {
  return (await db('tracker_mappings').where({ id }).delete()) > 0;
}

// ---- uploaded trackers ----------------------------------------------------------------

export type ImportStatus = 'mapping' | 'checking' | 'checked' | 'applying' | 'applied' | 'failed';

export interface TrackerImportRow {
  id: number;
  user_id: number;
  filename: string;
  status: ImportStatus;
  header_row: number | null;
  header_depth: number | null;
  mapping: TrackerMapping | null;
  mapping_id: number | null;
  rows_read: number;
  rows_checked: number;
  rows_total: number | null;
  result: StoredResult | null;
  error: string | null;
  /** the process running its check or import (runner.ts) */
  runner: string | null;
  created_at: string;
  updated_at: string;
}

export interface StoredResult {
  dryRun: boolean;
  applied: boolean;
  summary: import('../interchange/apply.js').ImportSummary;
  problems: import('./transform.js').TrackerProblem[];
  problemCount: number;
  /** the last row checked, when checking stopped there with MAX_PROBLEMS problems found */
  stoppedAt?: number;
  /** warnings and data-quality findings, by rule (absent from results stored before they were kept) */
  review?: import('../interchange/review.js').ImportReview<import('./transform.js').TrackerProblem & { rule: string }, import('./transform.js').TrackerProblem>;
  skipped: import('./transform.js').SkippedRow[];
  ignored: string[];
  header: { row: number; depth: number } | null;
  seconds: number;
}

/** Uploads are kept a day; a user's earlier uploads go when they upload another. */
const KEEP_MS = 24 * 60 * 60 * 1000;
const IMPORT_COLUMNS = ['id', 'user_id', 'filename', 'status', 'header_row', 'header_depth', 'mapping', 'mapping_id', 'rows_read',
  'rows_checked', 'rows_total', 'result', 'error', 'runner', 'created_at', 'updated_at'];

export async function createImport(db: Knex, userId: number, filename: string, content: Buffer): Promise<number> {
  const at = now();
  await db('tracker_imports')
    .where('created_at', '<', new Date(Date.now() - KEEP_MS).toISOString())
    .orWhere((q) => q.where({ user_id: userId }).whereNotIn('status', ['checking', 'applying']))
    .delete();
  const [row] = await db('tracker_imports')
    .insert({ user_id: userId, filename, content, status: 'mapping', created_at: at, updated_at: at })
    .returning('id');
  return insertedId(row);
}

function parseJson<T>(s: string | null): T | null {
  if (!s) return null;
  try {
    return JSON.parse(s) as T;
  } catch {
    return null;
  }
}

/** One of the user's uploads (without its content). */
export async function getImport(db: Knex, id: number, userId: number): Promise<TrackerImportRow | null> {
  const r = await db('tracker_imports').select(IMPORT_COLUMNS).where({ id, user_id: userId }).first();
  if (!r) return null;
  const mapping = parseJson<unknown>(r.mapping);
  const parsed = mapping ? parseMapping(mapping) : null;
  return {
    ...r,
    id: Number(r.id),
    user_id: Number(r.user_id),
    mapping_id: r.mapping_id === null ? null : Number(r.mapping_id),
    rows_read: Number(r.rows_read),
    rows_checked: Number(r.rows_checked),
    rows_total: r.rows_total === null ? null : Number(r.rows_total),
    mapping: parsed && 'mapping' in parsed ? parsed.mapping : null,
    result: parseJson<StoredResult>(r.result),
  };
}

export async function importContent(db: Knex, id: number): Promise<Buffer | null> {
  const r = await db('tracker_imports').select('content').where({ id }).first();
  if (!r) return null;
  return Buffer.isBuffer(r.content) ? r.content : Buffer.from(r.content);
}

export interface ImportUpdate {
  status?: ImportStatus;
  header_row?: number | null;
  header_depth?: number | null;
  mapping?: TrackerMapping | null;
  mapping_id?: number | null;
  rows_read?: number;
  rows_checked?: number;
  rows_total?: number | null;
  result?: StoredResult | null;
  error?: string | null;
  content?: Buffer;
}

export async function updateImport(db: Knex, id: number, u: ImportUpdate): Promise<void> {
  const row: Record<string, unknown> = { ...u, updated_at: now() };
  if ('mapping' in u) row.mapping = u.mapping ? JSON.stringify(u.mapping) : null;
  if ('result' in u) row.result = u.result ? JSON.stringify(u.result) : null;
  await writesAllowed(db); // progress is written beside a large import's write on SQLite
  await db('tracker_imports').where({ id }).update(row);
}

/** Moves an upload from one status to another only if it is still in the first (so a double click starts one job). */
export async function claimImport(db: Knex, id: number, from: ImportStatus[], to: ImportStatus): Promise<boolean> {
  await writesAllowed(db);
  const n = await db('tracker_imports').where({ id }).whereIn('status', from).update({ status: to, rows_read: 0, rows_checked: 0, error: null, runner: THIS_RUNNER, updated_at: now() });
  return n === 1;
}
