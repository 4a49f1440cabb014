import type { Knex } from 'knex';
import { auditEvent, type AuditContext, type AuditValue } from '../audit/audit.js';
import { nowIso, StaleRecordError } from '../cases/locking.js';
import { isPostgres } from '../../db/connection.js';
import { BOOLEAN_REFERRAL_FIELDS } from '../cases/types.js';
import { CHILD_TABLE_COLUMNS, REFERRAL_CHILD_COLUMNS } from './columns.js';
import { auditWriter, bulkInsert, columnsOf, insertValues } from './bulk-insert.js';
import type { InterchangePlan, PlannedChild, PlannedReferral, Problem } from './validate.js';
import { findingScope, planFindings, type FindingScope, type ImportFinding } from './findings.js';

// Works out what an interchange file would create, update or leave alone (matched on
// family_ref, child_ref and referral_ref) and, unless it is a dry run, applies it in one
// transaction with an audit row for every created or changed field. Existing records are
// preloaded in a few chunked queries and new ones inserted in batches, so a file of tens of
// thousands of rows takes seconds rather than one query per row.
//
// Objects are built with Object.assign rather than a spread followed by more keys
// ({ ...a, b }): V8 gives the latter several times the memory, tens of MB over tens of
// thousands of records.

export interface ImportCounts {
  create: number;
  update: number;
  unchanged: number;
}

export interface ImportSummary {
  rows: number;
  families: ImportCounts;
  children: ImportCounts;
  referrals: ImportCounts;
}

export interface ApplyResult {
  summary: ImportSummary;
  /** what refuses the file: nothing is written while there is one */
  problems: Problem[];
  /** a child's details that disagree between rows (the latest referral's are kept) */
  warnings: Problem[];
  /** the data-quality rules' findings on the file's records: imported as they are, listed for review */
  findings: ImportFinding[];
  /** true when the changes were written (not a dry run, no problems, something to change) */
  applied: boolean;
}

export interface ApplyOptions {
  userId: number | null;
  dryRun: boolean;
  filename?: string;
  /** audit the import as a whole (default); applyInParts audits once for all its parts */
  auditEvent?: boolean;
  /** what the data-quality checks of every part share (applyInParts works it out once for the file) */
  findingScope?: FindingScope;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a row of a table's columns, read and written by name (the columns are listed in columns.ts)
type Row = Record<string, any>;

interface ExistingChild extends Row {
  id: number;
  family_id: number;
  child_ref: string;
  version: number;
  disabilities: string[];
}

interface ExistingReferral extends Row {
  id: number;
  family_id: number;
  referral_ref: string;
  version: number;
  links: Map<number, Row>;
  plan_content: string[];
  reviews: { id: number; review_date: string; plan_working: boolean | null }[];
}

interface State {
  families: Map<string, { id: number; family_ref: string }>;
  children: Map<string, ExistingChild>;
  referrals: Map<string, ExistingReferral>;
  users: { id: number; email: string; name: string; active: boolean }[];
}

// A large import touches every index of audit_log many times: a page cache somewhat bigger
// than SQLite's 2 MB default, for the length of the transaction, saves spilling and
// re-reading the same index pages. Not much bigger: it is memory held for the whole
// import (a 256 MB cache cost ~160 MB of a 50,000-row import's peak, for no measurable
// saving in CPU time over the default, into an empty or a 100,000-referral database).
const SQLITE_IMPORT_CACHE = -16384; // KiB, i.e. up to 16 MB
const CHUNK = 500; // references per whereIn: well within both databases' limits on bound values

function chunks<T>(xs: T[], n = CHUNK): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < xs.length; i += n) out.push(xs.slice(i, i + n));
  return out;
}

async function selectIn(db: Knex, table: string, column: string, values: (string | number)[], cols: string[] | '*' = '*'): Promise<Row[]> {
  const out: Row[] = [];
  for (const part of chunks([...new Set(values)])) out.push(...(await db(table).select(cols).whereIn(column, part)));
  return out;
}

const bool = (v: unknown) => (v === null || v === undefined ? null : !!v);
const REFERRAL_BOOLEANS = new Set<string>(BOOLEAN_REFERRAL_FIELDS);

/** Everything the file's references already match, in a handful of queries. */
async function loadState(db: Knex, plan: InterchangePlan): Promise<State> {
  const families = new Map<string, { id: number; family_ref: string }>();
  for (const f of await selectIn(db, 'families', 'family_ref', plan.families.map((f) => f.family_ref), ['id', 'family_ref'])) {
    families.set(f.family_ref, { id: Number(f.id), family_ref: f.family_ref });
  }
  const children = new Map<string, ExistingChild>();
  const childRows = await selectIn(db, 'children', 'child_ref', plan.children.map((c) => c.child_ref),
    ['id', 'family_id', 'child_ref', 'version', ...CHILD_TABLE_COLUMNS]);
  const childById = new Map<number, ExistingChild>();
  for (const c of childRows) {
    const child = Object.assign(c, { id: Number(c.id), family_id: Number(c.family_id), disability_self_reported: bool(c.disability_self_reported), disabilities: [] }) as unknown as ExistingChild;
    children.set(child.child_ref, child);
    childById.set(child.id, child);
  }
  for (const d of await selectIn(db, 'child_disabilities', 'child_id', [...childById.keys()])) childById.get(Number(d.child_id))?.disabilities.push(d.code);
  for (const c of childById.values()) c.disabilities.sort();

  const referrals = new Map<string, ExistingReferral>();
  const referralById = new Map<number, ExistingReferral>();
  for (const r of await selectIn(db, 'referrals', 'referral_ref', plan.referrals.map((r) => r.referral_ref))) {
    const referral = Object.assign(r, { id: Number(r.id), family_id: Number(r.family_id), links: new Map(), plan_content: [], reviews: [] }) as unknown as ExistingReferral;
    for (const f of REFERRAL_BOOLEANS) referral[f] = bool(referral[f]);
    referrals.set(referral.referral_ref, referral);
    referralById.set(referral.id, referral);
  }
  const ids = [...referralById.keys()];
  for (const l of await selectIn(db, 'referral_children', 'referral_id', ids)) referralById.get(Number(l.referral_id))!.links.set(Number(l.child_id), l);
  for (const p of await selectIn(db, 'referral_plan_content', 'referral_id', ids)) referralById.get(Number(p.referral_id))!.plan_content.push(p.code);
  for (const v of await selectIn(db, 'review_conferences', 'referral_id', ids, ['id', 'referral_id', 'review_date', 'plan_working'])) {
    referralById.get(Number(v.referral_id))!.reviews.push({ id: Number(v.id), review_date: v.review_date, plan_working: bool(v.plan_working) });
  }
  for (const r of referralById.values()) {
    r.plan_content.sort();
    r.reviews.sort((a, b) => a.review_date.localeCompare(b.review_date) || a.id - b.id);
  }
  const users = (await db('users').select('id', 'email', 'name', 'active')).map((u) => ({ ...u, id: Number(u.id), active: !!u.active }));
  return { families, children, referrals, users };
}

const same = (a: unknown, b: unknown) => (a ?? null) === (b ?? null) || (a != null && b != null && String(a) === String(b));
const sameList = (a: string[], b: string[]) => a.length === b.length && a.every((x, i) => x === b[i]);

/** Coordinator's email or name → a user account when one matches, else the name as written. */
function coordinatorResolver(users: State['users']) {
  const byEmail = new Map<string, number>();
  const byName = new Map<string, number[]>();
  for (const u of users.filter((u) => u.active)) {
    byEmail.set(u.email.toLowerCase(), u.id);
    const k = u.name.trim().toLowerCase();
    byName.set(k, [...(byName.get(k) ?? []), u.id]);
  }
  const all = new Map(users.map((u) => [u.id, u]));
  return (value: string | null, current?: ExistingReferral): { coordinator_id: number | null; coordinator_name: string | null } => {
    if (!value) return { coordinator_id: null, coordinator_name: null };
    const v = value.trim().toLowerCase();
    const named = byName.get(v);
    const id = byEmail.get(v) ?? (named?.length === 1 ? named[0] : undefined);
    if (id !== undefined) return { coordinator_id: id, coordinator_name: null };
    // Keep a link to an account since deactivated when the file names that same person.
    const held = current?.coordinator_id ? all.get(Number(current.coordinator_id)) : undefined;
    if (held && (held.email.toLowerCase() === v || held.name.trim().toLowerCase() === v)) return { coordinator_id: held.id, coordinator_name: null };
    return { coordinator_id: null, coordinator_name: value };
  };
}

interface ChildChange {
  planned: PlannedChild;
  existing?: ExistingChild;
  /** columns to write: all given ones for a new child, the changed ones for an existing one */
  fields: Row;
  disabilities?: string[];
}

interface LinkChange {
  child_ref: string;
  fields: Row;
  before?: Row;
}

interface ReferralChange {
  planned: PlannedReferral;
  existing?: ExistingReferral;
  /** columns to write: the file's for a new referral, the changed ones (coordinator included) for an existing one */
  fields: Row;
  /** a new referral's coordinator columns, when the file has them (kept apart: merging them in costs an object per referral) */
  coordinator?: Row;
  plan_content?: string[];
  addReviews: { review_date: string; plan_working: boolean | null }[];
  removeReviews: { id: number; review_date: string; plan_working: boolean | null }[];
  /** reviews kept whose answer to "is the plan working?" the file changes */
  updateReviews: { id: number; review_date: string; before: boolean | null; after: boolean | null }[];
  addLinks: LinkChange[];
  updateLinks: LinkChange[];
  removeLinks: number[];
}

interface Diff {
  state: State;
  /** the referral_children columns the file has */
  linkColumns: string[];
  families: string[];
  children: ChildChange[];
  referrals: ReferralChange[];
  summary: ImportSummary;
  problems: Problem[];
  findings: ImportFinding[];
}

/** The file's reviews: date, and whether the plan was working where the file says. */
const plannedReviews = (r: PlannedReferral) => (r.review_dates ?? []).map((d, i) => ({ review_date: d, plan_working: r.review_plan_working?.[i] ?? null }));

function computeDiff(plan: InterchangePlan, state: State, scope: FindingScope): Diff {
  const problems: Problem[] = [];
  const summary: ImportSummary = {
    rows: plan.rowCount,
    families: { create: 0, update: 0, unchanged: 0 },
    children: { create: 0, update: 0, unchanged: 0 },
    referrals: { create: 0, update: 0, unchanged: 0 },
  };
  const newFamilies: string[] = [];
  for (const f of plan.families) {
    if (state.families.has(f.family_ref)) summary.families.unchanged += 1;
    else {
      summary.families.create += 1;
      newFamilies.push(f.family_ref);
    }
  }
  const familyId = (ref: string) => state.families.get(ref)?.id;

  const children: ChildChange[] = [];
  for (const c of plan.children) {
    const existing = state.children.get(c.child_ref);
    if (!existing) {
      summary.children.create += 1;
      children.push({ planned: c, fields: c.fields, disabilities: c.disabilities ?? [] }); // the plan's own (not changed, never written to)
      continue;
    }
    if (existing.family_id !== familyId(c.family_ref)) {
      problems.push({ row: c.row, column: 'family_ref', value: c.family_ref,
        message: `Child ${c.child_ref} is already recorded in another family, not ${c.family_ref}. Use that family's reference, or a different child_ref` });
      continue;
    }
    const fields: Row = {};
    for (const [k, v] of Object.entries(c.fields)) if (!same(existing[k], v)) fields[k] = v;
    const disabilities = c.disabilities && !sameList(c.disabilities, existing.disabilities) ? c.disabilities : undefined;
    if (Object.keys(fields).length || disabilities) {
      summary.children.update += 1;
      children.push({ planned: c, existing, fields, disabilities });
    } else summary.children.unchanged += 1;
  }

  const coordinator = coordinatorResolver(state.users);
  const referrals: ReferralChange[] = [];
  for (const r of plan.referrals) {
    const existing = state.referrals.get(r.referral_ref);
    const coordinatorFields: Row | undefined = r.coordinator !== undefined ? coordinator(r.coordinator, existing) : undefined;
    if (!existing) {
      summary.referrals.create += 1;
      referrals.push({
        planned: r, fields: r.fields, coordinator: coordinatorFields, plan_content: r.plan_content ?? [], addReviews: plannedReviews(r), removeReviews: [], updateReviews: [],
        addLinks: r.children.map((c) => ({ child_ref: c.child_ref, fields: c.fields })), updateLinks: [], removeLinks: [],
      });
      continue;
    }
    if (existing.family_id !== familyId(r.family_ref)) {
      problems.push({ row: r.row, column: 'family_ref', value: r.family_ref,
        message: `Referral ${r.referral_ref} is already recorded for another family, not ${r.family_ref}` });
      continue;
    }
    const fields: Row = {};
    for (const wanted of [r.fields, coordinatorFields ?? {}]) for (const [k, v] of Object.entries(wanted)) if (!same(existing[k], v)) fields[k] = v;
    const change: ReferralChange = { planned: r, existing, fields, addReviews: [], removeReviews: [], updateReviews: [], addLinks: [], updateLinks: [], removeLinks: [] };
    if (r.plan_content && !sameList(r.plan_content, existing.plan_content)) change.plan_content = r.plan_content;
    if (r.review_dates) {
      // Reviews are matched by date, so one already held (with whether the plan was working) is
      // kept; the file changes that answer only when it has the review_plan_working column.
      const left = [...existing.reviews];
      for (const v of plannedReviews(r)) {
        const i = left.findIndex((x) => x.review_date === v.review_date);
        if (i < 0) {
          change.addReviews.push(v);
          continue;
        }
        const [kept] = left.splice(i, 1);
        if (r.review_plan_working && kept.plan_working !== v.plan_working) {
          change.updateReviews.push({ id: kept.id, review_date: kept.review_date, before: kept.plan_working, after: v.plan_working });
        }
      }
      change.removeReviews = left;
    }
    const onFile = new Set<number>();
    for (const c of r.children) {
      const child = state.children.get(c.child_ref);
      const link = child ? existing.links.get(child.id) : undefined;
      if (!child || !link) {
        change.addLinks.push({ child_ref: c.child_ref, fields: c.fields });
        continue;
      }
      onFile.add(child.id);
      const fields: Row = {};
      for (const [k, v] of Object.entries(c.fields)) if (!same(link[k], v)) fields[k] = v;
      if (Object.keys(fields).length) change.updateLinks.push({ child_ref: c.child_ref, fields, before: link });
    }
    change.removeLinks = [...existing.links.keys()].filter((id) => !onFile.has(id));
    const changed = Object.keys(fields).length || change.plan_content || change.addReviews.length || change.removeReviews.length || change.updateReviews.length
      || change.addLinks.length || change.updateLinks.length || change.removeLinks.length;
    if (changed) {
      summary.referrals.update += 1;
      referrals.push(change);
    } else summary.referrals.unchanged += 1;
  }
  problems.sort((a, b) => a.row - b.row);
  const linkColumns = REFERRAL_CHILD_COLUMNS.filter((c) => plan.columns.includes(c));
  const findings = planFindings(plan, scope, { referral: (ref) => state.referrals.get(ref), child: (ref) => state.children.get(ref) });
  return { state, linkColumns, families: newFamilies, children, referrals, summary, problems, findings };
}

const mergeProblems = (a: Problem[], b: Problem[]) => [...a, ...b].sort((x, y) => x.row - y.row);

const hasChanges = (s: ImportSummary) =>
  s.families.create + s.children.create + s.children.update + s.referrals.create + s.referrals.update > 0;

class Rollback extends Error {
  constructor(public problems: Problem[], public summary: ImportSummary, public findings: ImportFinding[]) {
    super('import has problems');
  }
}

/** Dry run: what the file would do, writing nothing. Otherwise: all of it in one transaction, or none. */
export async function applyPlan(db: Knex, plan: InterchangePlan, opts: ApplyOptions): Promise<ApplyResult> {
  const scope = opts.findingScope ?? (await findingScope(db, plan));
  const { warnings } = plan;
  if (opts.dryRun || plan.problems.length) {
    const diff = computeDiff(plan, await loadState(db, plan), scope);
    return { summary: diff.summary, problems: mergeProblems(plan.problems, diff.problems), warnings, findings: diff.findings, applied: false };
  }
  let sqliteCache: number | null = null;
  try {
    return await db.transaction(async (trx) => {
      if (!isPostgres(trx)) {
        sqliteCache = Number((await trx.raw('pragma cache_size'))[0]?.cache_size ?? -2000);
        await trx.raw(`pragma cache_size = ${SQLITE_IMPORT_CACHE}`);
      }
      const diff = computeDiff(plan, await loadState(trx, plan), scope);
      if (diff.problems.length) throw new Rollback(diff.problems, diff.summary, diff.findings);
      if (!hasChanges(diff.summary)) return { summary: diff.summary, problems: [], warnings, findings: diff.findings, applied: false };
      await write(trx, diff, opts.userId);
      if (opts.auditEvent !== false) await auditEvent(trx, opts.userId, 'import', 'interchange', describeImport(diff.summary, opts.filename));
      return { summary: diff.summary, problems: [], warnings, findings: diff.findings, applied: true };
    });
  } catch (e) {
    if (e instanceof Rollback) return { summary: e.summary, problems: e.problems, warnings, findings: e.findings, applied: false };
    throw e;
  } finally {
    if (sqliteCache !== null) await db.raw(`pragma cache_size = ${sqliteCache}`).catch(() => undefined);
  }
}

export function describeImport(s: ImportSummary, filename?: string): string {
  const part = (name: string, c: ImportCounts) => `${name}: ${c.create} created, ${c.update} updated, ${c.unchanged} unchanged`;
  return `${filename ? `${filename}: ` : ''}${s.rows} rows; ${part('families', s.families)}; ${part('children', s.children)}; ${part('referrals', s.referrals)}`;
}

async function insertReturning(trx: Knex.Transaction, table: string, rows: Row[], refColumn: string): Promise<Map<string, number>> {
  const ids = new Map<string, number>();
  for (const r of await bulkInsert(trx, table, rows, ['id', refColumn])) ids.set(r[refColumn], Number(r.id));
  return ids;
}

/**
 * New children or referrals: the file's fields (given in parts with distinct columns), the
 * family and reference, version 1 (no object per record: see bulk-insert.ts). Their ids by
 * reference.
 */
async function insertRecords<T>(
  trx: Knex.Transaction, table: string, refColumn: string, items: T[], at: string,
  record: (item: T) => { fields: readonly (Row | undefined)[]; familyId: number; ref: string },
): Promise<Map<string, number>> {
  const fieldColumns = columnsOf(items.flatMap((item) => record(item).fields.filter((f): f is Row => !!f)));
  const columns = [...fieldColumns, 'family_id', refColumn, 'version', 'created_at', 'updated_at'];
  const values = new Array(items.length * columns.length);
  let k = 0;
  for (const item of items) {
    const { fields, familyId, ref } = record(item);
    for (const c of fieldColumns) {
      let value: unknown;
      for (const part of fields) {
        if (part && c in part) {
          value = part[c];
          break;
        }
      }
      values[k++] = value;
    }
    values[k++] = familyId;
    values[k++] = ref;
    values[k++] = 1;
    values[k++] = at;
    values[k++] = at;
  }
  const ids = new Map<string, number>();
  for (const r of await insertValues(trx, table, columns, values, items.length, ['id', refColumn])) ids.set(r[refColumn], Number(r.id));
  return ids;
}

const insertAll = (trx: Knex.Transaction, table: string, rows: Row[]) => bulkInsert(trx, table, rows);

async function updateVersioned(trx: Knex.Transaction, table: string, id: number, version: number, changes: Row, at: string) {
  const n = await trx(table).where({ id, version }).update({ ...changes, version: version + 1, updated_at: at });
  if (n !== 1) throw new StaleRecordError(table);
}


async function write(trx: Knex.Transaction, diff: Diff, userId: number | null): Promise<void> {
  const at = nowIso();
  // audit() says when its batch is full, to be flushed (no promise per audited change)
  const { audit, flush } = auditWriter(trx);

  // Families
  const familyIds = new Map<string, number>([...diff.state.families].map(([ref, f]) => [ref, f.id]));
  const createdFamilies = await insertReturning(trx, 'families',
    diff.families.map((ref) => ({ family_ref: ref, version: 1, created_at: at, updated_at: at })), 'family_ref');
  for (const [ref, id] of createdFamilies) {
    familyIds.set(ref, id);
    if (audit({ userId, familyId: id }, 'family', id, 'create', {}, { family_ref: ref })) await flush();
  }

  // Children
  const childIds = new Map<string, number>();
  const newChildren = diff.children.filter((c) => !c.existing);
  const createdChildren = await insertRecords(trx, 'children', 'child_ref', newChildren, at,
    (c) => ({ fields: [c.fields], familyId: familyIds.get(c.planned.family_ref)!, ref: c.planned.child_ref }));
  const disabilityRows: Row[] = [];
  for (const c of newChildren) {
    const id = createdChildren.get(c.planned.child_ref)!;
    childIds.set(c.planned.child_ref, id);
    for (const code of c.disabilities ?? []) disabilityRows.push({ child_id: id, code });
    if (audit({ userId, familyId: familyIds.get(c.planned.family_ref), childId: id }, 'child', id, 'create', {},
      [{ child_ref: c.planned.child_ref }, c.fields, { disabilities: c.disabilities ?? [] }])) await flush();
  }
  for (const c of diff.children.filter((c) => c.existing)) {
    const before = c.existing!;
    await updateVersioned(trx, 'children', before.id, before.version, c.fields, at);
    const prior: Record<string, AuditValue> = Object.fromEntries(Object.keys(c.fields).map((k) => [k, before[k]]));
    const after: Record<string, AuditValue> = Object.assign({}, c.fields);
    if (c.disabilities) {
      await trx('child_disabilities').where({ child_id: before.id }).delete();
      for (const code of c.disabilities) disabilityRows.push({ child_id: before.id, code });
      prior.disabilities = before.disabilities;
      after.disabilities = c.disabilities;
    }
    if (audit({ userId, familyId: before.family_id, childId: before.id }, 'child', before.id, 'update', prior, after)) await flush();
  }
  await insertAll(trx, 'child_disabilities', disabilityRows);
  // Children the file leaves unchanged keep the ids they have.
  for (const [ref, c] of diff.state.children) if (!childIds.has(ref)) childIds.set(ref, c.id);

  // Referrals
  const newReferrals = diff.referrals.filter((r) => !r.existing);
  const createdReferrals = await insertRecords(trx, 'referrals', 'referral_ref', newReferrals, at,
    (r) => ({ fields: [r.fields, r.coordinator], familyId: familyIds.get(r.planned.family_ref)!, ref: r.planned.referral_ref }));
  const contentRows: Row[] = [];
  const reviewRows: Row[] = [];
  // Children put on referrals, flat (see bulk-insert.ts): the ids, then the file's referral_children columns.
  const links: unknown[] = [];
  let linkCount = 0;
  const addLink = (referralId: number, childId: number, fields: Row) => {
    links.push(referralId, childId);
    for (const c of diff.linkColumns) links.push(fields[c] ?? null);
    linkCount += 1;
  };
  const reviewContext = new Map<number, AuditContext>();
  for (const r of newReferrals) {
    const id = createdReferrals.get(r.planned.referral_ref)!;
    const familyId = familyIds.get(r.planned.family_ref)!;
    const ctx = { userId, familyId, referralId: id };
    for (const code of r.plan_content ?? []) contentRows.push({ referral_id: id, code });
    reviewContext.set(id, ctx);
    for (const v of r.addReviews) reviewRows.push({ referral_id: id, review_date: v.review_date, plan_working: v.plan_working, created_at: at });
    if (audit(ctx, 'referral', id, 'create', {}, [{ referral_ref: r.planned.referral_ref }, r.fields, r.coordinator ?? {}, { plan_content: r.plan_content ?? [] }])) await flush();
    for (const l of r.addLinks) {
      const childId = childIds.get(l.child_ref)!;
      addLink(id, childId, l.fields);
      if (audit({ ...ctx, childId }, 'referral_child', childId, 'create', {}, [{ on_referral: 'Yes' }, l.fields])) await flush();
    }
  }
  for (const r of diff.referrals.filter((r) => r.existing)) {
    const before = r.existing!;
    const ctx = { userId, familyId: before.family_id, referralId: before.id };
    await updateVersioned(trx, 'referrals', before.id, before.version, r.fields, at); // bumps the version even when only children or reviews change
    const prior: Record<string, AuditValue> = Object.fromEntries(Object.keys(r.fields).map((k) => [k, before[k]]));
    const after: Record<string, AuditValue> = Object.assign({}, r.fields);
    if (r.plan_content) {
      await trx('referral_plan_content').where({ referral_id: before.id }).delete();
      for (const code of r.plan_content) contentRows.push({ referral_id: before.id, code });
      prior.plan_content = before.plan_content;
      after.plan_content = r.plan_content;
    }
    if (audit(ctx, 'referral', before.id, 'update', prior, after)) await flush();
    if (r.removeReviews.length) {
      await trx('review_conferences').whereIn('id', r.removeReviews.map((v) => v.id)).delete();
      for (const v of r.removeReviews) if (audit(ctx, 'review', v.id, 'delete', { review_date: v.review_date, plan_working: v.plan_working }, { review_date: null, plan_working: null })) await flush();
    }
    for (const v of r.updateReviews) {
      await trx('review_conferences').where({ id: v.id }).update({ plan_working: v.after });
      if (audit(ctx, 'review', v.id, 'update', { plan_working: v.before }, { plan_working: v.after })) await flush();
    }
    reviewContext.set(before.id, ctx);
    for (const v of r.addReviews) reviewRows.push({ referral_id: before.id, review_date: v.review_date, plan_working: v.plan_working, created_at: at });
    for (const childId of r.removeLinks) {
      await trx('referral_children').where({ referral_id: before.id, child_id: childId }).delete();
      if (audit({ ...ctx, childId }, 'referral_child', childId, 'delete', { on_referral: 'Yes' }, { on_referral: null })) await flush();
    }
    for (const l of r.addLinks) {
      const childId = childIds.get(l.child_ref)!;
      addLink(before.id, childId, l.fields);
      if (audit({ ...ctx, childId }, 'referral_child', childId, 'create', {}, [{ on_referral: 'Yes' }, l.fields])) await flush();
    }
    for (const l of r.updateLinks) {
      const childId = childIds.get(l.child_ref)!;
      await trx('referral_children').where({ referral_id: before.id, child_id: childId }).update(l.fields);
      if (audit({ ...ctx, childId }, 'referral_child', childId, 'update', l.before!, l.fields)) await flush();
    }
  }
  await insertAll(trx, 'referral_plan_content', contentRows);
  await insertValues(trx, 'referral_children', ['referral_id', 'child_id', ...diff.linkColumns], links, linkCount);
  // Each review is audited under its own id: RETURNING gives id and referral together.
  for (const v of await bulkInsert(trx, 'review_conferences', reviewRows, ['id', 'referral_id', 'review_date', 'plan_working'])) {
    if (audit(reviewContext.get(Number(v.referral_id))!, 'review', Number(v.id), 'create', {}, { review_date: v.review_date, plan_working: bool(v.plan_working) })) await flush();
  }
  await flush();
}
