import type { Knex } from 'knex';
import { addDays, isIsoDate } from '../common/dates.js';
import { normaliseCmsId } from '../common/cms-id.js';
import { BIRTH_DATE_DAYS, findPossibleDuplicates, type PersonFacts, type PossibleDuplicate } from './matcher.js';

export interface CandidateChild extends PersonFacts {
  id: number;
  family_id: number;
  family_ref: string;
  child_ref: string;
  merged_into_id: number | null;
}

const MAX_POOL = 500;

/**
 * The few live children that could be the same child as `candidate`: one query on the
 * indexed columns (same CMS id, date of birth within a few days or with day and month
 * swapped, or the same family), then the pure matcher decides.
 */
export async function possibleDuplicates(db: Knex, candidate: PersonFacts): Promise<PossibleDuplicate<CandidateChild>[]> {
  const cms = normaliseCmsId(candidate.cms_id);
  const dob = candidate.date_of_birth;
  const family = candidate.family_id ?? null;
  if (!cms && !dob && family === null) return [];
  const q = db('children as c').join('families as f', 'f.id', 'c.family_id')
    .select('c.id', 'c.family_id', 'f.family_ref', 'c.child_ref', 'c.cms_id', 'c.first_name', 'c.last_name', 'c.date_of_birth',
      'c.expected_date_of_birth', 'c.merged_into_id')
    .whereNull('c.merged_into_id')
    .where((w) => {
      if (cms) w.orWhereRaw("upper(replace(c.cms_id, ' ', '')) = ?", [cms]);
      if (dob) {
        w.orWhereBetween('c.date_of_birth', [addDays(dob, -BIRTH_DATE_DAYS), addDays(dob, BIRTH_DATE_DAYS)]);
        const swapped = `${dob.slice(0, 4)}-${dob.slice(8, 10)}-${dob.slice(5, 7)}`;
        if (swapped !== dob && isIsoDate(swapped)) w.orWhere('c.date_of_birth', swapped);
      }
      if (family !== null) w.orWhere('c.family_id', family);
    })
    .orderBy('c.id')
    .limit(MAX_POOL);
  if (candidate.id !== undefined) q.whereNot('c.id', candidate.id);
  const rows: (Omit<CandidateChild, 'id' | 'family_id'> & { id: number | string; family_id: number | string })[] = await q;
  const pool: CandidateChild[] = rows.map((r) => ({ ...r, id: Number(r.id), family_id: Number(r.family_id) }));
  return findPossibleDuplicates(candidate, pool);
}
