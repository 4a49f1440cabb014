import type { Knex } from 'knex';
import { todayIso } from '../common/dates.js';
import { qualityContext } from '../quality/context.js';
import { normaliseCmsId } from '../common/cms-id.js';
import { evaluate, type DatasetChild, type DatasetReferral, type Issue } from '../quality/evaluate.js';
import { loadCmsIdPattern, loadCmsIds } from '../quality/report-data.js';
import type { ChildFacts, QualityContext, ReferralChildFacts } from '../quality/types.js';
import { COLUMN_BY_NAME, REFERRAL_CHILD_COLUMNS } from './columns.js';
import { referralCell, stageFacts, type InterchangePlan, type PlannedChild, type PlannedReferral, type Problem } from './validate.js';

// What the data-quality rules find in an import's records, as they will be stored: an import
// takes a council's history as it is (domain.md: only what cannot be stored refuses a file),
// so these are listed in the dry run, by rule with row and column, and then on the quality
// report, never a reason to refuse. The same rules as the forms and the report
// (quality/registry.ts), over the file's values filled in from the database for columns the
// file does not have.

/** A data-quality finding on a record of the file: stored as it is, and listed for review. */
export interface ImportFinding extends Problem {
  /** the rule's code (quality/registry.ts) */
  rule: string;
}

/**
 * What every part of one import shares: today, the CMS id format, and every CMS id the
 * import's children will sit beside (the file's and the database's other children).
 * The file's children are known by an id of their own: their database id when they are
 * already recorded, otherwise a negative number.
 */
export interface FindingScope {
  ctx: Omit<QualityContext, 'childrenById'>;
  idOf: ReadonlyMap<string, number>;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a row of a table's columns, read and written by name (the columns are listed in columns.ts)
type Row = Record<string, any>;

/** The existing records an import matches, as apply.ts holds them. */
export interface Existing {
  referral(ref: string): (Row & { links: Map<number, Row>; reviews: { review_date: string }[] }) | undefined;
  child(ref: string): Row | undefined;
}

const CHUNK = 500;

export async function findingScope(db: Knex, plan: InterchangePlan, today = todayIso()): Promise<FindingScope> {
  const refs = plan.children.map((c) => c.child_ref);
  const recorded = new Map<string, { id: number; cms_id: string | null }>();
  for (let i = 0; i < refs.length; i += CHUNK) {
    for (const c of await db('children').select('id', 'child_ref', 'cms_id').whereIn('child_ref', refs.slice(i, i + CHUNK))) {
      recorded.set(c.child_ref, { id: Number(c.id), cms_id: c.cms_id });
    }
  }
  const idOf = new Map<string, number>();
  const childRefs: { id: number; cms_id: string | null; child_ref: string }[] = [];
  const hasCms = plan.columns.includes('cms_id');
  plan.children.forEach((c, i) => {
    const held = recorded.get(c.child_ref);
    const id = held?.id ?? -(i + 1);
    idOf.set(c.child_ref, id);
    childRefs.push({ id, child_ref: c.child_ref, cms_id: hasCms ? ((c.fields.cms_id as string | null) ?? null) : (held?.cms_id ?? null) });
  });
  const keys = [...new Set(childRefs.map((c) => normaliseCmsId(c.cms_id)).filter((k): k is string => !!k))];
  const inFile = new Set(idOf.values());
  const others: { id: number; cms_id: string; child_ref: string }[] = [];
  for (let i = 0; i < keys.length; i += CHUNK) {
    for (const c of await loadCmsIds(db, keys.slice(i, i + CHUNK))) if (!inFile.has(c.id)) others.push(c);
  }
  const ctx = qualityContext({ today, cmsIdPattern: await loadCmsIdPattern(db), cmsIds: [...childRefs, ...others] });
  return { ctx, idOf };
}

/** A column of the file for a rule's field (the review form's date is the list of review dates). */
const columnFor = (field: string) => (field === 'review_date' ? 'review_fgc_dates' : COLUMN_BY_NAME.has(field) ? field : '');
const text = (v: unknown) => (v === null || v === undefined ? '' : String(v));

/** Every rule's findings on the records of one plan (or part of one), against the rows they came from. */
export function planFindings(plan: InterchangePlan, scope: FindingScope, existing: Existing): ImportFinding[] {
  const idOf = (ref: string) => scope.idOf.get(ref)!;
  const children: DatasetChild[] = [];
  const childByRef = new Map<string, PlannedChild>();
  const childrenById = new Map<number, ChildFacts>();
  for (const c of plan.children) {
    const held = existing.child(c.child_ref);
    const value = (k: 'cms_id' | 'date_of_birth' | 'expected_date_of_birth' | 'ethnicity') => (k in c.fields ? (c.fields[k] as string | null) : (held?.[k] ?? null));
    const facts: DatasetChild = {
      id: idOf(c.child_ref), family_id: 0, family_ref: c.family_ref, child_ref: c.child_ref, merged_into_id: null,
      cms_id: value('cms_id'), date_of_birth: value('date_of_birth'), expected_date_of_birth: value('expected_date_of_birth'), ethnicity: value('ethnicity'),
    };
    children.push(facts);
    childrenById.set(facts.id, facts);
    childByRef.set(c.child_ref, c);
  }
  const referrals: DatasetReferral[] = [];
  const referralByRef = new Map<string, PlannedReferral>();
  for (const r of plan.referrals) {
    if (r.invalid) continue; // a cell could not be read: the file is refused anyway
    const held = existing.referral(r.referral_ref);
    const links: ReferralChildFacts[] = r.children.map((c) => {
      const heldChild = held ? existing.child(c.child_ref) : undefined;
      const heldLink = heldChild ? held!.links.get(Number(heldChild.id)) : undefined;
      const link: Row = { child_id: idOf(c.child_ref) };
      for (const k of REFERRAL_CHILD_COLUMNS) link[k] = k in c.fields ? c.fields[k] : (heldLink?.[k] ?? null);
      return link as ReferralChildFacts;
    });
    const facts = stageFacts(r, held ? { ...held, review_dates: held.reviews.map((v) => v.review_date) } : undefined);
    referrals.push(Object.assign(facts, { id: 0, family_id: 0, referral_ref: r.referral_ref, family_ref: r.family_ref, children: links }));
    referralByRef.set(r.referral_ref, r);
  }
  const issues = evaluate({ referrals, children }, { ...scope.ctx, childrenById });
  return issues.map((i) => located(i, referralByRef, childByRef));
}

function located(i: Issue, referrals: Map<string, PlannedReferral>, children: Map<string, PlannedChild>): ImportFinding {
  const column = columnFor(i.field);
  if (i.referral_ref !== null) {
    const r = referrals.get(i.referral_ref)!;
    const child = i.child_ref !== null ? r.children.find((c) => c.child_ref === i.child_ref) : undefined;
    const planned = i.child_ref !== null ? children.get(i.child_ref) : undefined;
    const value = referralCell(r, column) || text(child?.fields[column as keyof typeof child.fields] ?? planned?.fields[column as keyof PlannedChild['fields']]);
    const who = i.child_ref !== null ? `, child ${i.child_ref}` : '';
    return { rule: i.rule, row: child?.row ?? r.row, column, value, message: `Referral ${r.referral_ref}${who}: ${i.message}` };
  }
  const c = children.get(i.child_ref!)!;
  return { rule: i.rule, row: c.row, column, value: text(c.fields[column as keyof PlannedChild['fields']]), message: `Child ${c.child_ref}: ${i.message}` };
}
