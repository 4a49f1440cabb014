// npm run return -- --year 2023 --out FILE.xlsx [--mapping templates/other.map.json]
// Produces the annual return workbook for scheduled runs; exits 1 with the reasons if the
// figures do not reconcile.
import fs from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { runMain, withDatabase } from './cli.js';
import { buildReturn, returnWorkbook, returnWorkbookPlan, DEFAULT_MAPPING } from '../server/annual-return/return-service.js';
import { auditEvent } from '../server/audit/audit.js';

runMain(async () => {
  const { values } = parseArgs({ options: { year: { type: 'string' }, out: { type: 'string' }, mapping: { type: 'string' } } });
  if (!values.year || !/^\d{4}$/.test(values.year) || !values.out) {
    console.error('Usage: npm run return -- --year 2023 --out FILE.xlsx [--mapping FILE.map.json]');
    return 2;
  }
  await withDatabase(async (db) => {
    const started = performance.now();
    const built = await buildReturn(db, Number(values.year));
    await fs.writeFile(values.out!, await returnWorkbook(built, values.mapping ?? DEFAULT_MAPPING));
    await auditEvent(db, null, 'export', 'annual-return', `year ${built.ret.period.label} (command line)`);
    const p = built.ret.populations;
    console.log(`Wrote ${values.out}: ${built.ret.period.label}, ${p.referred.fgcs} referrals, ${p.referred.children} children, ${p.tookPlace.fgcs} FGCs held (${Math.round(performance.now() - started)} ms)`);
    // codes the template has no place for (counted in "Other", or with nothing counted): what to change in the mapping
    for (const w of (await returnWorkbookPlan(built, values.mapping ?? DEFAULT_MAPPING)).warnings) console.warn(`Warning: ${w}`);
  });
});
