import type { Knex } from 'knex';
import { childName, familyName } from './names.js';

export interface CaseListQuery {
  q?: string;
  status?: 'open' | 'closed' | '';
  stage?: string;
  page: number;
  userId: number;
}

export interface CaseListRow {
  id: number;
  referral_ref: string;
  family_id: number;
  family_ref: string;
  referral_date: string;
  stage_offered: string | null;
  coordinator_id: number | null;
  coordinator: string | null;
  closure_date: string | null;
  /** the referral's children, as the list names them */
  children: string[];
  /** the family's children's surnames, or null when none is recorded */
  family_name: string | null;
}

export const PAGE_SIZE = 25;

const likeEscape = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);

/** The referrals the query asks for (search term, status, stage), unordered. */
function matching(db: Knex, query: CaseListQuery): Knex.QueryBuilder {
  const base = db('referrals as r');
  const term = (query.q ?? '').trim().toLowerCase();
  if (term) {
    const like = `%${likeEscape(term)}%`;
    base.where((w) => {
      w.whereExists(db('families as sf').select(db.raw('1')).whereRaw('sf.id = r.family_id').whereRaw("lower(sf.family_ref) like ? escape '\\'", [like]))
        .orWhereRaw("lower(r.referral_ref) like ? escape '\\'", [like])
        .orWhereExists(
          db('referral_children as rc')
            .join('children as c', 'c.id', 'rc.child_id')
            .whereRaw('rc.referral_id = r.id')
            .where((c) => {
              c.whereRaw('lower(c.cms_id) = ?', [term])
                .orWhereRaw("lower(coalesce(c.first_name, '') || ' ' || coalesce(c.last_name, '')) like ? escape '\\'", [like])
                .orWhereRaw("lower(coalesce(c.last_name, '') || ' ' || coalesce(c.first_name, '')) like ? escape '\\'", [like]);
            }),
        );
    });
  }
  if (query.status === 'open') base.whereNull('r.closure_date');
  if (query.status === 'closed') base.whereNotNull('r.closure_date');
  if (query.stage) base.where('r.stage_offered', query.stage);
  return base;
}

/** The user's own open FGCs (an index on coordinator, closure date and referral date finds them). */
const mine = (q: Knex.QueryBuilder, userId: number) => q.where('r.coordinator_id', userId).whereNull('r.closure_date');
/** Everything else (walked newest first along the referral date index, so a page stops early). */
const others = (q: Knex.QueryBuilder, userId: number) =>
  q.where((w) => w.whereNull('r.coordinator_id').orWhereNot('r.coordinator_id', userId).orWhereNotNull('r.closure_date'));

/**
 * The case list: the user's own open FGCs first, then the others, each newest first. Two
 * index-ordered queries (own open ones, then the rest) instead of one ORDER BY CASE, which
 * would sort every matching referral for each page.
 */
export async function searchCases(db: Knex, query: CaseListQuery): Promise<{ rows: CaseListRow[]; total: number }> {
  const offset = (query.page - 1) * PAGE_SIZE;
  if ((query.q ?? '').trim()) {
    // A search reads names with a pattern no index serves: the matching referrals are found in
    // one scan, then ordered and paged here (a search matches a few, at most every referral).
    const found: { id: number; referral_date: string; coordinator_id: number | null; closure_date: string | null }[] =
      await matching(db, query).select('r.id', 'r.referral_date', 'r.coordinator_id', 'r.closure_date');
    const own = (r: (typeof found)[number]) => Number(r.coordinator_id) === query.userId && r.closure_date === null;
    found.sort((a, b) => Number(own(b)) - Number(own(a)) || (a.referral_date < b.referral_date ? 1 : a.referral_date > b.referral_date ? -1 : b.id - a.id));
    return { rows: await withNames(db, await listed(db, found.slice(offset, offset + PAGE_SIZE).map((r) => Number(r.id)))), total: found.length };
  }
  const count = async (q: Knex.QueryBuilder) => Number(((await q.count({ n: '*' })) as { n: number | string }[])[0].n);
  const [total, own] = await Promise.all([count(matching(db, query)), count(mine(matching(db, query), query.userId))]);
  const page = async (part: Knex.QueryBuilder, offset: number, limit: number): Promise<ListedRow[]> => {
    if (limit <= 0) return [];
    const ids = db.select('id').from(
      part.select('r.id').orderBy([{ column: 'r.referral_date', order: 'desc' }, { column: 'r.id', order: 'desc' }]).limit(limit).offset(offset).as('p'),
    );
    return listed(db, ids);
  };
  const first = offset < own ? await page(mine(matching(db, query), query.userId), offset, PAGE_SIZE) : [];
  const rest = await page(others(matching(db, query), query.userId), Math.max(0, offset - own), PAGE_SIZE - first.length);
  return { rows: await withNames(db, [...first, ...rest]), total };
}

type ListedRow = Omit<CaseListRow, 'children' | 'family_name'>;

/** The case list's rows for some referrals: a subquery of ids (newest first), or ids in the order given. */
async function listed(db: Knex, ids: Knex.QueryBuilder | number[]): Promise<ListedRow[]> {
  if (Array.isArray(ids) && !ids.length) return [];
  const rows: ListedRow[] = await db('referrals as r')
    .join('families as f', 'f.id', 'r.family_id')
    .leftJoin('users as u', 'u.id', 'r.coordinator_id')
    .select('r.id', 'r.referral_ref', 'r.family_id', 'f.family_ref', 'r.referral_date', 'r.stage_offered', 'r.coordinator_id',
      db.raw('coalesce(u.name, r.coordinator_name) as coordinator'), 'r.closure_date')
    .whereIn('r.id', ids)
    .orderBy([{ column: 'r.referral_date', order: 'desc' }, { column: 'r.id', order: 'desc' }]);
  if (!Array.isArray(ids)) return rows;
  const at = new Map(ids.map((id, i) => [id, i]));
  return rows.sort((a, b) => at.get(Number(a.id))! - at.get(Number(b.id))!);
}

/** Referrals (id, family) with their children's names and their families' names. */
export async function withNames<R extends { id: number; family_id: number }>(db: Knex, rows: R[]): Promise<(R & { children: string[]; family_name: string | null })[]> {
  if (!rows.length) return [];
  const [kids, relatives] = await Promise.all([
    db('referral_children as rc').join('children as c', 'c.id', 'rc.child_id')
      .whereIn('rc.referral_id', rows.map((r) => r.id))
      .select('rc.referral_id', 'c.first_name', 'c.last_name', 'c.date_of_birth', 'c.expected_date_of_birth', 'c.child_ref')
      .orderBy([{ column: 'rc.referral_id' }, { column: 'c.child_ref' }]),
    db('children').whereIn('family_id', [...new Set(rows.map((r) => r.family_id))]).whereNull('merged_into_id')
      .select('family_id', 'last_name', 'child_ref').orderBy([{ column: 'family_id' }, { column: 'child_ref' }]),
  ]);
  const byReferral = new Map<number, string[]>();
  for (const k of kids) byReferral.set(Number(k.referral_id), [...(byReferral.get(Number(k.referral_id)) ?? []), childName(k)]);
  const byFamily = new Map<number, { last_name: string | null }[]>();
  for (const c of relatives) byFamily.set(Number(c.family_id), [...(byFamily.get(Number(c.family_id)) ?? []), c]);
  return rows.map((r) => ({ ...r, children: byReferral.get(r.id) ?? [], family_name: familyName(byFamily.get(r.family_id) ?? []) }));
}
