import type { Knex } from 'knex';

/** Someone else saved the record after this user opened it. */
export class StaleRecordError extends Error {
  constructor(public entity: string) {
    super(`${entity} was changed by someone else`);
  }
}

export const STALE_MESSAGE =
  'Someone else changed this record while you were editing it, so your changes have not been saved. The page now shows their version: check it and make your changes again.';

export const nowIso = () => new Date().toISOString();

/** Optimistic locking: the update applies only if the version is the one the user saw. */
export async function updateWithVersion(
  trx: Knex.Transaction,
  table: string,
  id: number,
  version: number,
  changes: Record<string, unknown>,
): Promise<void> {
  const n = await trx(table)
    .where({ id, version })
    .update({ ...changes, version: version + 1, updated_at: nowIso() });
  if (n !== 1) throw new StaleRecordError(table);
}

/** Inserts a row and returns its id on SQLite and PostgreSQL alike. */
export async function insertReturningId(trx: Knex | Knex.Transaction, table: string, row: Record<string, unknown>): Promise<number> {
  const [r] = await trx(table).insert(row).returning('id');
  return typeof r === 'object' ? Number(r.id) : Number(r);
}

/** References like F000042 follow the row id, so they are unique without a race. */
export const refFor = (prefix: string, id: number) => `${prefix}${String(id).padStart(6, '0')}`;

/** Runs a save: true when it is done, false when someone else saved the record first (any other error is thrown). */
export async function savedUnlessStale(save: () => Promise<unknown>): Promise<boolean> {
  try {
    await save();
    return true;
  } catch (e) {
    if (!(e instanceof StaleRecordError)) throw e;
    return false;
  }
}
