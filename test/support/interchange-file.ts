import { stringify } from 'csv-stringify/sync';
import { createTestDb } from './db.js';
import { loadDemoData } from '../../server/demo/load.js';
import { demoRefPrefix, isDeliberateProblemRef } from '../../server/demo/generate.js';
import { exportHeader, exportRows } from '../../server/interchange/export.js';

export interface DemoInterchangeFile {
  csv: Buffer;
  /** every family, child and referral reference in the file starts with this */
  refPrefix: string;
  rows: number;
  families: number;
  children: number;
  referrals: number;
}

/**
 * A large interchange CSV with no data-quality findings to speak of: the demo generator's cases
 * without its deliberately inconsistent referrals, exported from a scratch SQLite file.
 */
export async function demoInterchangeFile(referrals: number, seed: string): Promise<DemoInterchangeFile> {
  const scratch = await createTestDb({ sqlite: true });
  try {
    await loadDemoData(scratch.db, { referrals, seed });
    const header = exportHeader();
    const at = (name: string) => header.indexOf(name);
    const rows: string[][] = [];
    for await (const row of exportRows(scratch.db)) if (!isDeliberateProblemRef(row[at('referral_ref')])) rows.push(row);
    const distinct = (col: string) => new Set(rows.map((r) => r[at(col)]).filter(Boolean)).size;
    return {
      csv: Buffer.from(stringify([header, ...rows])),
      refPrefix: demoRefPrefix(seed),
      rows: rows.length,
      families: distinct('family_ref'),
      children: distinct('child_ref'),
      referrals: distinct('referral_ref'),
    };
  } finally {
    await scratch.destroy();
  }
}
