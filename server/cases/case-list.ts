import type { Knex } from 'knex';

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
}

export const PAGE_SIZE = 25;

const likeEscape = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);

/** The case list: the user's own open FGCs first, then the newest. */
export async function searchCases(db: Knex, query: CaseListQuery): Promise<{ rows: CaseListRow[]; total: number }> {
  const base = db('referrals as r').join('families as f', 'f.id', 'r.family_id');
  const term = (query.q ?? '').trim().toLowerCase();
  if (term) {
    const like = `%${likeEscape(term)}%`;
    base.where((w) => {
      w.whereRaw("lower(f.family_ref) like ? escape '\\'", [like])
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
  const [{ n }] = await base.clone().count({ n: '*' });
  const rows = await base
    .leftJoin('users as u', 'u.id', 'r.coordinator_id')
    .select('r.id', 'r.referral_ref', 'r.family_id', 'f.family_ref', 'r.referral_date', 'r.stage_offered', 'r.coordinator_id',
      db.raw('coalesce(u.name, r.coordinator_name) as coordinator'), 'r.closure_date')
    .orderByRaw('case when r.coordinator_id = ? and r.closure_date is null then 0 else 1 end', [query.userId])
    .orderBy([{ column: 'r.referral_date', order: 'desc' }, { column: 'r.id', order: 'desc' }])
    .limit(PAGE_SIZE)
    .offset((query.page - 1) * PAGE_SIZE);
  return { rows, total: Number(n) };
}
