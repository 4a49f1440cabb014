import { PassThrough, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import type { Knex } from 'knex';
import { stringify } from 'csv-stringify';
import ExcelJS from 'exceljs';
import { BOOLEAN_REFERRAL_FIELDS } from '../cases/types.js';
import { CHILD_TABLE_COLUMNS, COLUMNS, COLUMN_NAMES, REFERRAL_CHILD_COLUMNS, REFERRAL_TABLE_COLUMNS } from './columns.js';
import { csvText, xlsxText } from '../common/spreadsheet.js';

// Every referral × child as interchange rows: the data lead's child-level backup, and the
// file an import reads back. Contains names: never for aggregate outputs.

type Row = Record<string, unknown>;

const yn = (v: unknown) => (v === null || v === undefined ? '' : v ? 'Y' : 'N');
const text = (v: unknown) => (v === null || v === undefined ? '' : String(v));
const BOOLEANS = new Set<string>([...BOOLEAN_REFERRAL_FIELDS, 'disability_self_reported']);

/** A CSV cell, neutralised (server/common/spreadsheet.ts); the import takes the apostrophe off again (unescapeCell). */
export const neutralise = csvText;

/** The header row: every column, in the spec's order. */
export const exportHeader = (): string[] => [...COLUMN_NAMES];

/**
 * Rows in a stable order (family, referral date, referral, child) so two exports of the same
 * data are identical. Everything the app holds of a case is written, so the file imports into
 * an empty database unchanged: children on no referral have a row with the referral columns
 * blank (first in their family), and a family with no live child and no referral a row with
 * only its reference. Children merged into another record are written as that record.
 */
export async function* exportRows(db: Knex): AsyncGenerator<string[]> {
  const [families, referrals, links, children, disabilities, content, reviews] = await Promise.all([
    db('families').select('id', 'family_ref'),
    db('referrals')
      .leftJoin('families', 'families.id', 'referrals.family_id')
      .leftJoin('users', 'users.id', 'referrals.coordinator_id')
      .select('referrals.*', 'families.family_ref', 'users.email as coordinator_email'),
    db('referral_children').select('*'),
    db('children').select(['id', 'family_id', 'child_ref', 'merged_into_id', ...CHILD_TABLE_COLUMNS]),
    db('child_disabilities').select('child_id', 'code'),
    db('referral_plan_content').select('referral_id', 'code'),
    db('review_conferences').select('id', 'referral_id', 'review_date', 'plan_working'),
  ]);
  const group = <T>(rows: Row[], keyName: string, value: (r: Row) => T) => {
    const m = new Map<number, T[]>();
    for (const r of rows) {
      const k = Number(r[keyName]);
      const list = m.get(k);
      if (list) list.push(value(r));
      else m.set(k, [value(r)]);
    }
    return m;
  };
  const childById = new Map(children.map((c: Row) => [Number(c.id), c]));
  const disabilitiesOf = group(disabilities, 'child_id', (r) => r.code as string);
  const linksOf = group(links, 'referral_id', (r) => r);
  const contentOf = group(content, 'referral_id', (r) => r.code as string);
  const reviewsOf = group(reviews, 'referral_id', (r) => r);
  referrals.sort((a: Row, b: Row) =>
    cmp(a.family_ref, b.family_ref) || cmp(a.referral_date, b.referral_date) || cmp(a.referral_ref, b.referral_ref));
  // Children on no referral, and families with neither, by family then child reference.
  const linked = new Set(links.map((l: Row) => Number(l.child_id)));
  const familyRef = new Map(families.map((f: Row) => [Number(f.id), f.family_ref as string]));
  const unlinked = children
    .filter((c: Row) => !c.merged_into_id && !linked.has(Number(c.id)))
    .map((c: Row) => ({ family_ref: familyRef.get(Number(c.family_id)) ?? '', child: c }))
    .sort((a, b) => cmp(a.family_ref, b.family_ref) || cmp(a.child.child_ref, b.child.child_ref));
  const withRows = new Set([...referrals.map((r: Row) => r.family_ref), ...unlinked.map((u) => u.family_ref)]);
  const bare = families.map((f: Row) => f.family_ref as string).filter((f) => !withRows.has(f)).sort(cmp);

  // Rows are built as arrays by column position: tens of thousands of them, so no per-row objects.
  const at = (name: string) => COLUMN_NAMES.indexOf(name);
  const referralCols = REFERRAL_TABLE_COLUMNS.map((f) => [at(f), f, BOOLEANS.has(f)] as const);
  const childCols = CHILD_TABLE_COLUMNS.map((f) => [at(f), f, BOOLEANS.has(f)] as const);
  const linkCols = REFERRAL_CHILD_COLUMNS.map((f) => [at(f), f] as const);
  const [iReferral, iFamily, iCoordinator, iContent, iReviews, iWorking, iChild, iDisability] =
    ['referral_ref', 'family_ref', 'coordinator', 'plan_content', 'review_fgc_dates', 'review_plan_working', 'child_ref', 'disability'].map(at);
  const childRow = (base: string[], child: Row) => {
    const row = base.slice();
    row[iChild] = text(child.child_ref);
    for (const [i, f, isBool] of childCols) row[i] = isBool ? yn(child[f]) : text(child[f]);
    row[iDisability] = [...(disabilitiesOf.get(Number(child.id)) ?? [])].sort().join(';');
    return row;
  };
  const familyRow = (ref: string) => {
    const row: string[] = new Array(COLUMN_NAMES.length).fill('');
    row[iFamily] = ref;
    return row;
  };
  for (const ref of bare) yield familyRow(ref);
  let u = 0;
  for (const r of referrals) {
    for (; u < unlinked.length && cmp(unlinked[u].family_ref, r.family_ref) <= 0; u++) yield childRow(familyRow(unlinked[u].family_ref), unlinked[u].child);
    const id = Number(r.id);
    const base: string[] = new Array(COLUMN_NAMES.length).fill('');
    base[iReferral] = text(r.referral_ref);
    base[iFamily] = text(r.family_ref);
    base[iCoordinator] = text(r.coordinator_email ?? r.coordinator_name);
    base[iContent] = [...(contentOf.get(id) ?? [])].sort().join(';');
    // Reviews by date (then as entered), with whether the plan was working in the same places.
    const held = [...(reviewsOf.get(id) ?? [])].sort((a, b) => cmp(a.review_date, b.review_date) || Number(a.id) - Number(b.id));
    base[iReviews] = held.map((v) => v.review_date).join(';');
    base[iWorking] = held.some((v) => v.plan_working !== null && v.plan_working !== undefined) ? held.map((v) => yn(v.plan_working)).join(';') : '';
    for (const [i, f, isBool] of referralCols) base[i] = isBool ? yn(r[f]) : text(r[f]);
    const onReferral = (linksOf.get(id) ?? [])
      .map((link) => ({ link, child: childById.get(Number(link.child_id)) }))
      .filter((x): x is { link: Row; child: Row } => !!x.child)
      .sort((a, b) => cmp(a.child.child_ref, b.child.child_ref));
    // A referral with no children recorded still counts as an FGC: one row, child columns blank.
    if (!onReferral.length) yield base;
    for (const { link, child } of onReferral) {
      const row = childRow(base, child);
      for (const [i, f] of linkCols) row[i] = text(link[f]);
      yield row;
    }
  }
  for (; u < unlinked.length; u++) yield childRow(familyRow(unlinked[u].family_ref), unlinked[u].child);
}

const cmp = (a: unknown, b: unknown) => {
  const x = text(a);
  const y = text(b);
  return x < y ? -1 : x > y ? 1 : 0;
};

/** CSV (UTF-8 with a byte order mark so Excel reads it as UTF-8, RFC 4180 quoting) to a stream. */
export async function writeCsv(db: Knex, out: Writable): Promise<void> {
  const source = Readable.from((async function* () {
    yield exportHeader().map(csvText);
    for await (const row of exportRows(db)) yield row.map(csvText);
  })());
  await pipeline(source, stringify({ bom: true, record_delimiter: 'windows' }), out);
}

export async function exportCsv(db: Knex): Promise<string> {
  const chunks: Buffer[] = [];
  const sink = new PassThrough();
  sink.on('data', (c: Buffer) => chunks.push(Buffer.from(c)));
  await writeCsv(db, sink);
  return Buffer.concat(chunks).toString('utf8');
}

const COUNTS = new Set(COLUMNS.filter((c) => c.kind === 'count').map((c) => c.name));

/**
 * .xlsx, one sheet, written as it goes. Every text cell is a string cell, which Excel never runs,
 * so it is written as typed, with no apostrophe (server/common/spreadsheet.ts xlsxText).
 */
export async function writeXlsx(db: Knex, out: Writable): Promise<void> {
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useSharedStrings: false, useStyles: true });
  const sheet = workbook.addWorksheet('Interchange', { views: [{ state: 'frozen', ySplit: 1 }] });
  sheet.addRow(exportHeader().map(xlsxText)).commit();
  const countAt = COLUMN_NAMES.map((c) => COUNTS.has(c));
  for await (const row of exportRows(db)) {
    sheet.addRow(row.map((v, i) => (v === '' ? null : countAt[i] && /^\d+$/.test(v) ? Number(v) : xlsxText(v)))).commit();
  }
  await sheet.commit();
  await workbook.commit();
}

export async function exportXlsx(db: Knex): Promise<Buffer> {
  const chunks: Buffer[] = [];
  const sink = new PassThrough();
  sink.on('data', (c: Buffer) => chunks.push(Buffer.from(c)));
  const done = new Promise<void>((resolve, reject) => {
    sink.on('end', resolve);
    sink.on('error', reject);
  });
  await writeXlsx(db, sink);
  await done;
  return Buffer.concat(chunks);
}
