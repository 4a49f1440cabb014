import type { Knex } from 'knex';
import { applyPlan, type ApplyResult, type ImportSummary } from '../interchange/apply.js';
import type { InterchangePlan, Problem } from '../interchange/validate.js';
import { nextTurn } from './read.js';

// The interchange import's apply (server/interchange/apply.ts) over a large plan, a few
// thousand rows at a time, so its working state (the records matched, the changes, the
// audit rows) is that of one part, not of the whole file. Parts are whole families: a
// family's children and referrals never refer outside it. The file is still imported all
// or nothing: every part is applied inside one outer transaction (each part's own
// transaction becomes a savepoint), and a problem in any part rolls all of them back.

/** Rows per part. */
export const PART_ROWS = 10_000;

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
      part = { columns: plan.columns, rowCount: 0, families: [], children: [], referrals: [], problems: [] };
      parts.push(part);
    }
    part.families.push(f);
    part.children.push(...(childrenOf.get(f.family_ref) ?? []));
    for (const r of referralsOf.get(f.family_ref) ?? []) {
      part.referrals.push(r);
      part.rowCount += Math.max(1, r.children.length);
    }
  }
  if (!parts.length) parts.push({ columns: plan.columns, rowCount: 0, families: [], children: [], referrals: [], problems: [] });
  return parts;
}

const add = (a: ImportSummary, b: ImportSummary): ImportSummary => {
  const sum = (k: 'families' | 'children' | 'referrals') => ({
    create: a[k].create + b[k].create,
    update: a[k].update + b[k].update,
    unchanged: a[k].unchanged + b[k].unchanged,
  });
  return { rows: a.rows + b.rows, families: sum('families'), children: sum('children'), referrals: sum('referrals') };
};

class Rollback extends Error {}

/**
 * applyPlan over the plan in parts. A dry run (or a plan with problems) checks each part
 * and writes nothing; otherwise all parts are written in one transaction, or none.
 */
export async function applyInParts(
  db: Knex,
  plan: InterchangePlan,
  opts: { userId: number | null; dryRun: boolean; filename?: string; partRows?: number },
): Promise<ApplyResult> {
  const parts = splitPlan(plan, opts.partRows);
  const dryRun = opts.dryRun || plan.problems.length > 0;
  let summary: ImportSummary = { rows: 0, families: { create: 0, update: 0, unchanged: 0 }, children: { create: 0, update: 0, unchanged: 0 }, referrals: { create: 0, update: 0, unchanged: 0 } };
  const problems = new Map<string, Problem>();
  for (const p of plan.problems) problems.set(`${p.row}|${p.column}|${p.message}`, p);
  let applied = false;
  const label = (i: number) => (parts.length > 1 ? `${opts.filename ?? 'tracker'}, part ${i + 1} of ${parts.length}` : opts.filename);

  const run = async (conn: Knex, write: boolean) => {
    let failed = false;
    for (let i = 0; i < parts.length; i++) {
      // Once a part has a problem nothing will be written: the rest are only checked.
      const r = await applyPlan(conn, parts[i], { userId: opts.userId, dryRun: !write || failed, filename: label(i) });
      summary = add(summary, r.summary);
      for (const p of r.problems) problems.set(`${p.row}|${p.column}|${p.message}`, p);
      if (r.problems.length) failed = true;
      if (r.applied) applied = true;
      if (!write) await nextTurn();
    }
    return failed;
  };

  if (dryRun || parts.length === 1) {
    await run(db, !dryRun);
  } else {
    try {
      await db.transaction(async (trx) => {
        if (await run(trx, true)) throw new Rollback();
      });
    } catch (e) {
      if (!(e instanceof Rollback)) throw e;
      applied = false;
    }
  }
  summary.rows = plan.rowCount;
  return { summary, problems: [...problems.values()].sort((a, b) => a.row - b.row), applied: applied && !problems.size };
}
