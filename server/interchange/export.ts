import { PassThrough, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import type { Knex } from 'knex';
import { stringify } from 'csv-stringify';
import ExcelJS from 'exceljs';
import { BOOLEAN_REFERRAL_FIELDS } from '../cases/types.js';
import { CHILD_TABLE_COLUMNS, COLUMNS, COLUMN_NAMES, REFERRAL_CHILD_COLUMNS, REFERRAL_TABLE_COLUMNS } from './columns.js';
import { neutraliseFormula } from '../common/spreadsheet.js';

// Every referral × child as interchange rows: the data lead's child-level backup, and the
// file an import reads back. Contains names: never for aggregate outputs.

type Row = Record<string, any>;

const yn = (v: unknown) => (v === null || v === undefined ? '' : v ? 'Y' : 'N');
const text = (v: unknown) => (v === null || v === undefined ? '' : String(v));
const BOOLEANS = new Set<string>([...BOOLEAN_REFERRAL_FIELDS, 'disability_self_reported']);

/** The import takes the neutralising apostrophe off again (validate.ts unescapeCell). */
export const neutralise = (s: string): string => neutraliseFormula(s) as string;

/** The header row: every column, in the spec's order. */
export const exportHeader = (): string[] => [...COLUMN_NAMES];

/** Rows in a stable order (family, referral date, referral, child) so two exports of the same data are identical. */
export async function* exportRows(db: Knex): AsyncGenerator<string[]> {
  const [referrals, links, children, disabilities, content, reviews] = await Promise.all([
    db('referrals')
      .leftJoin('families', 'families.id', 'referrals.family_id')
      .leftJoin('users', 'users.id', 'referrals.coordinator_id')
      .select('referrals.*', 'families.family_ref', 'users.email as coordinator_email'),
    db('referral_children').select('*'),
    db('children').select(['id', 'child_ref', ...CHILD_TABLE_COLUMNS]),
    db('child_disabilities').select('child_id', 'code'),
    db('referral_plan_content').select('referral_id', 'code'),
    db('review_conferences').select('referral_id', 'review_date'),
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
  const reviewsOf = group(reviews, 'referral_id', (r) => r.review_date as string);
  referrals.sort((a: Row, b: Row) =>
    cmp(a.family_ref, b.family_ref) || cmp(a.referral_date, b.referral_date) || cmp(a.referral_ref, b.referral_ref));

  // Rows are built as arrays by column position: tens of thousands of them, so no per-row objects.
  const at = (name: string) => COLUMN_NAMES.indexOf(name);
  const referralCols = REFERRAL_TABLE_COLUMNS.map((f) => [at(f), f, BOOLEANS.has(f)] as const);
  const childCols = CHILD_TABLE_COLUMNS.map((f) => [at(f), f, BOOLEANS.has(f)] as const);
  const linkCols = REFERRAL_CHILD_COLUMNS.map((f) => [at(f), f] as const);
  const [iReferral, iFamily, iCoordinator, iContent, iReviews, iChild, iDisability] =
    ['referral_ref', 'family_ref', 'coordinator', 'plan_content', 'review_fgc_dates', 'child_ref', 'disability'].map(at);
  for (const r of referrals) {
    const id = Number(r.id);
    const base: string[] = new Array(COLUMN_NAMES.length).fill('');
    base[iReferral] = text(r.referral_ref);
    base[iFamily] = text(r.family_ref);
    base[iCoordinator] = text(r.coordinator_email ?? r.coordinator_name);
    base[iContent] = [...(contentOf.get(id) ?? [])].sort().join(';');
    base[iReviews] = [...(reviewsOf.get(id) ?? [])].sort().join(';');
    for (const [i, f, isBool] of referralCols) base[i] = isBool ? yn(r[f]) : text(r[f]);
    const onReferral = (linksOf.get(id) ?? [])
      .map((link) => ({ link, child: childById.get(Number(link.child_id)) }))
      .filter((x): x is { link: Row; child: Row } => !!x.child)
      .sort((a, b) => cmp(a.child.child_ref, b.child.child_ref));
    // A referral with no children recorded still counts as an FGC: one row, child columns blank.
    if (!onReferral.length) yield base;
    for (const { link, child } of onReferral) {
      const row = base.slice();
      row[iChild] = text(child.child_ref);
      for (const [i, f, isBool] of childCols) row[i] = isBool ? yn(child[f]) : text(child[f]);
      row[iDisability] = [...(disabilitiesOf.get(Number(child.id)) ?? [])].sort().join(';');
      for (const [i, f] of linkCols) row[i] = text(link[f]);
      yield row;
    }
  }
}

const cmp = (a: unknown, b: unknown) => {
  const x = text(a);
  const y = text(b);
  return x < y ? -1 : x > y ? 1 : 0;
};

/** CSV (UTF-8 with a byte order mark so Excel reads it as UTF-8, RFC 4180 quoting) to a stream. */
export async function writeCsv(db: Knex, out: Writable): Promise<void> {
  const source = Readable.from((async function* () {
    yield exportHeader();
    for await (const row of exportRows(db)) yield row.map(neutralise);
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

/** .xlsx, one sheet, written as it goes. Every text cell is a plain string (never a formula). */
export async function writeXlsx(db: Knex, out: Writable): Promise<void> {
  const workbook = new (ExcelJS as any).stream.xlsx.WorkbookWriter({ stream: out, useSharedStrings: false, useStyles: true });
  const sheet = workbook.addWorksheet('Interchange', { views: [{ state: 'frozen', ySplit: 1 }] });
  sheet.addRow(exportHeader()).commit();
  const countAt = COLUMN_NAMES.map((c) => COUNTS.has(c));
  for await (const row of exportRows(db)) {
    sheet.addRow(row.map((v, i) => (v === '' ? null : countAt[i] && /^\d+$/.test(v) ? Number(v) : neutralise(v)))).commit();
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
