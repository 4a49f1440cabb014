import type { Knex } from 'knex';
import { auditEvent } from '../audit/audit.js';
import { longWriteTransaction } from '../../db/long-write.js';
import { nextTurn } from '../common/next-turn.js';
import { throwIfAbandoned } from '../uploads/limits.js';
import { applyPlan, describeImport, type ApplyResult, type ImportSummary } from './apply.js';
import type { InterchangePlan, Problem } from './validate.js';
import { findingScope, type ImportFinding } from './findings.js';

// applyPlan (apply.ts) over a large plan, a few thousand rows at a time, so its working
// state (the records matched, the changes, the rows and audit rows to insert) is that of
// one part, not of the whole file, and each part's records are let go once it is done.
// Parts are whole families: a family's children and referrals never refer outside it.
// The file is still imported all or nothing: every part is applied inside one outer
// transaction (each part's own transaction becomes a savepoint), a problem in any part
// rolls all of them back, and the import is audited once, with the whole file's summary.
// That transaction is a long write (db/connection.ts): on a connection of its own, so
// other users' pages are served while it runs.

/**
 * Rows per part. Smaller parts keep less at once and let it go sooner: a part's working
 * state lives while the part is written, long enough for V8 to move it to the old
 * generation, which then grows until a full collection (10,000-row parts peaked ~80 MB
 * higher over a 50,000-row file, for no gain in speed).
 */
export const PART_ROWS = 5000;

const emptyPlan = (plan: InterchangePlan): InterchangePlan => ({
  // A file with problems is only checked; its parts carry them so that each part's check
  // knows (see computeDiff), and the problems are reported once.
  columns: plan.columns, rowCount: 0, families: [], children: [], referrals: [], problems: plan.problems, warnings: [],
});

export function splitPlan(plan: InterchangePlan, partRows = PART_ROWS): InterchangePlan[] {
  const childrenOf = new Map<string, InterchangePlan['children']>();
  for (const c of plan.children) {
    if (!childrenOf.has(c.family_ref)) childrenOf.set(c.family_ref, []);
    childrenOf.get(c.family_ref)!.push(c);
  }
  const referralsOf = new Map<string, InterchangePlan['referrals']>();
  for (const r of plan.referrals) {
    if (!referralsOf.has(r.family_ref)) referralsOf.set(r.family_ref, []);
    referralsOf.get(r.family_ref)!.push(r);
  }
  const parts: InterchangePlan[] = [];
  let part: InterchangePlan | null = null;
  for (const f of plan.families) {
    if (!part || part.rowCount >= partRows) {
      part = emptyPlan(plan);
      parts.push(part);
    }
    part.families.push(f);
    part.children.push(...(childrenOf.get(f.family_ref) ?? []));
    for (const r of referralsOf.get(f.family_ref) ?? []) {
      part.referrals.push(r);
      part.rowCount += Math.max(1, r.children.length);
    }
  }
  if (!parts.length) parts.push(emptyPlan(plan));
  return parts;
}

const emptySummary = (): ImportSummary => ({
  rows: 0,
  families: { create: 0, update: 0, unchanged: 0 },
  children: { create: 0, update: 0, unchanged: 0 },
  referrals: { create: 0, update: 0, unchanged: 0 },
});

const add = (a: ImportSummary, b: ImportSummary): ImportSummary => {
  const sum = (k: 'families' | 'children' | 'referrals') => ({
    create: a[k].create + b[k].create,
    update: a[k].update + b[k].update,
    unchanged: a[k].unchanged + b[k].unchanged,
  });
  return { rows: a.rows + b.rows, families: sum('families'), children: sum('children'), referrals: sum('referrals') };
};

class Rollback extends Error {}

export interface PartsOptions {
  userId: number | null;
  /** work out and report, write nothing */
  dryRun: boolean;
  /** named in the import's audit event */
  filename?: string;
  partRows?: number;
  /** stops the work (UploadAbandoned) when it aborts: the client has gone */
  signal?: AbortSignal;
}

/**
 * applyPlan over the plan in parts. A dry run (or a plan with problems) checks each part
 * and writes nothing; otherwise all parts are written in one transaction, or none.
 *
 * The plan is consumed: its families, children and referrals are handed to the parts and
 * each part is let go once applied, so a large file's memory shrinks as it is written.
 * Only its rowCount, columns and problems are left.
 */
export async function applyInParts(db: Knex, plan: InterchangePlan, opts: PartsOptions): Promise<ApplyResult> {
  // Worked out before anything is written: the file's children beside the database's others.
  const scope = await findingScope(db, plan);
  const findings: ImportFinding[] = [];
  const parts: (InterchangePlan | null)[] = splitPlan(plan, opts.partRows);
  plan.families = [];
  plan.children = [];
  plan.referrals = [];
  const dryRun = opts.dryRun || plan.problems.length > 0;
  let summary = emptySummary();
  const problems = new Map<string, Problem>();
  for (const p of plan.problems) problems.set(`${p.row}|${p.column}|${p.message}`, p);
  let applied = false;

  const run = async (conn: Knex, write: boolean) => {
    let failed = false;
    for (let i = 0; i < parts.length; i++) {
      const part = parts[i]!;
      parts[i] = null;
      // Once a part has a problem nothing will be written: the rest are only checked.
      const r = await applyPlan(conn, part, { userId: opts.userId, dryRun: !write || failed, auditEvent: false, findingScope: scope });
      for (const f of r.findings) findings.push(f);
      summary = add(summary, r.summary);
      for (const p of r.problems) problems.set(`${p.row}|${p.column}|${p.message}`, p);
      if (r.problems.length) failed = true;
      if (r.applied) applied = true;
      // Other requests come in between parts, reading (on SQLite, saves wait for the import: see longWriteTransaction).
      await nextTurn();
      throwIfAbandoned(opts.signal); // the client has gone: nothing written stays (the transaction rolls back)
    }
    return failed;
  };

  if (dryRun) {
    await run(db, false);
  } else {
    try {
      await longWriteTransaction(db, async (trx) => {
        if (await run(trx, true)) throw new Rollback();
        if (applied) await auditEvent(trx, opts.userId, 'import', 'interchange', describeImport({ ...summary, rows: plan.rowCount }, opts.filename));
      });
    } catch (e) {
      if (!(e instanceof Rollback)) throw e;
      applied = false;
    }
  }
  summary.rows = plan.rowCount;
  findings.sort((a, b) => a.row - b.row);
  return { summary, problems: [...problems.values()].sort((a, b) => a.row - b.row), warnings: plan.warnings, findings, applied: applied && !problems.size };
}
