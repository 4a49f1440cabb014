import type { Knex } from 'knex';
import { financialYearOf, todayIso } from '../common/dates.js';

// The financial years the service has case data for: offered by the return and the
// data-quality report.

/** Financial years offered on the return page: from the earliest referral to this year. */
export async function availableYears(db: Knex): Promise<number[]> {
  const row = await db('referrals').min({ first: 'referral_date' }).first();
  const current = currentFinancialYear();
  const first = row?.first ? financialYearOf(String(row.first)) : current;
  const years: number[] = [];
  // the current year and every year with data, the latest complete year always among them
  for (let y = current; y >= Math.max(Math.min(first, current - 1), current - 15); y--) years.push(y);
  return years;
}

/** The financial year today is in. */
export function currentFinancialYear(today = todayIso()): number {
  return financialYearOf(today);
}
