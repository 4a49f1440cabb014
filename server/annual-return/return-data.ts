import type { Knex } from 'knex';
import { financialYear } from '../common/dates.js';
import { loadCodeLists } from '../codes/code-lists.js';
import { loadCaseSet, type CaseSet } from '../cases/case-set.js';

export type { CaseChild, CaseReferral } from '../cases/case-set.js';
export type CaseData = CaseSet;

/**
 * The case data for one reporting period: the referrals with any step in it, their children,
 * and the survivors of merged children. The same rows serve the period's data-quality run
 * (qualityDatasetOf).
 */
export function loadCaseData(db: Knex, period: { from: string; to: string }): Promise<CaseData> {
  return loadCaseSet(db, { active: period });
}

/** The annual return's input: the year's case data and the code lists. */
export async function loadReturnInput(db: Knex, year: number) {
  const [data, codes] = await Promise.all([loadCaseData(db, financialYear(year)), loadCodeLists(db)]);
  return { year, ...data, codes };
}
