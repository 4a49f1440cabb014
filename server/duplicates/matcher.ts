import { daysBetween } from '../common/dates.js';
import { normaliseCmsId } from '../common/cms-id.js';
import { similarNames } from './names.js';

// Possible duplicate children: pure, over plain records.

export interface PersonFacts {
  id?: number;
  family_id?: number | null;
  cms_id: string | null;
  first_name: string | null;
  last_name: string | null;
  date_of_birth: string | null;
  expected_date_of_birth: string | null;
  merged_into_id?: number | null;
}

export type MatchReason = 'same-cms-id' | 'similar-name-and-birth-date' | 'swapped-names-and-birth-date' | 'same-expected-date' | 'born-near-expected-date';

export const REASON_TEXT: Record<MatchReason, string> = {
  'same-cms-id': 'Same case management system ID',
  'similar-name-and-birth-date': 'Similar name and date of birth',
  'swapped-names-and-birth-date': 'First and last names swapped, similar date of birth',
  'same-expected-date': 'Same family and expected date of delivery',
  'born-near-expected-date': "Same family, born close to the other record's expected date",
};

/** Dates of birth this close may be a typing slip. */
export const BIRTH_DATE_DAYS = 3;
/** Expected dates are revised as a pregnancy goes on. */
export const EXPECTED_DATE_DAYS = 7;
/** Most babies arrive within four weeks of the expected date. */
export const BORN_NEAR_EXPECTED_DAYS = 28;

const within = (a: string, b: string, days: number) => Math.abs(daysBetween(a, b)) <= days;

/** Equal, within a few days, or the day and month typed the wrong way round. */
export function closeBirthDates(a: string, b: string): boolean {
  if (within(a, b, BIRTH_DATE_DAYS)) return true;
  const [ya, ma, da] = a.split('-');
  const [yb, mb, db] = b.split('-');
  return ya === yb && ma === db && da === mb;
}

/** Why two child records may be the same child; empty when they look different. */
export function duplicateReasons(a: PersonFacts, b: PersonFacts): MatchReason[] {
  const reasons: MatchReason[] = [];
  const cmsA = normaliseCmsId(a.cms_id);
  if (cmsA && cmsA === normaliseCmsId(b.cms_id)) reasons.push('same-cms-id');
  if (a.date_of_birth && b.date_of_birth && closeBirthDates(a.date_of_birth, b.date_of_birth)) {
    const surname = similarNames(a.last_name, b.last_name);
    const firstBlank = !a.first_name?.trim() || !b.first_name?.trim();
    // A record with no first name matches on surname only when the dates agree exactly.
    if (surname && (similarNames(a.first_name, b.first_name) || (firstBlank && a.date_of_birth === b.date_of_birth))) {
      reasons.push('similar-name-and-birth-date');
    } else if (similarNames(a.first_name, b.last_name) && similarNames(a.last_name, b.first_name)) {
      reasons.push('swapped-names-and-birth-date');
    }
  }
  const sameFamily = a.family_id !== undefined && a.family_id !== null && a.family_id === b.family_id;
  if (sameFamily) {
    const unbornA = !a.date_of_birth && a.expected_date_of_birth;
    const unbornB = !b.date_of_birth && b.expected_date_of_birth;
    if (unbornA && unbornB && within(unbornA, unbornB, EXPECTED_DATE_DAYS)) reasons.push('same-expected-date');
    else if (unbornA && b.date_of_birth && within(unbornA, b.date_of_birth, BORN_NEAR_EXPECTED_DAYS)) reasons.push('born-near-expected-date');
    else if (unbornB && a.date_of_birth && within(unbornB, a.date_of_birth, BORN_NEAR_EXPECTED_DAYS)) reasons.push('born-near-expected-date');
  }
  return reasons;
}

export interface PossibleDuplicate<T> {
  child: T;
  reasons: MatchReason[];
}

/** Live records in the pool that may be the candidate, strongest first. */
export function findPossibleDuplicates<T extends PersonFacts>(candidate: PersonFacts, pool: readonly T[]): PossibleDuplicate<T>[] {
  const out: PossibleDuplicate<T>[] = [];
  for (const c of pool) {
    if (c.merged_into_id || (candidate.id !== undefined && c.id === candidate.id)) continue;
    const reasons = duplicateReasons(candidate, c);
    if (reasons.length) out.push({ child: c, reasons });
  }
  return out.sort((x, y) => y.reasons.length - x.reasons.length || Number(y.reasons.includes('same-cms-id')) - Number(x.reasons.includes('same-cms-id')));
}
