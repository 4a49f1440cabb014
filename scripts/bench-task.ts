// One benchmark measurement in its own process, so its peak memory is its own.
// Prints one JSON line: { task, ms, peakMb, detail }. Called by scripts/bench.ts.
import { parseArgs } from 'node:util';
import { createDb } from '../db/connection.js';
import { buildReturn, returnWorkbook } from '../server/annual-return/return-service.js';

const { values } = parseArgs({ options: { task: { type: 'string' }, year: { type: 'string' }, file: { type: 'string' } } });
const db = createDb({ databaseUrl: process.env.DATABASE_URL, sqliteFile: process.env.DATABASE_FILE });

const tasks: Record<string, () => Promise<string>> = {
  async return() {
    const built = await buildReturn(db, Number(values.year));
    const xlsx = await returnWorkbook(built);
    const p = built.ret.populations;
    return `${built.ret.period.label}: ${p.referred.fgcs} referrals, ${p.referred.children} children, workbook ${Math.round(xlsx.length / 1024)} KB`;
  },
};

try {
  const task = tasks[values.task ?? ''];
  if (!task) throw new Error(`unknown task ${values.task}`);
  await db.raw('select 1'); // connect before the clock starts
  const started = performance.now();
  const detail = await task();
  const ms = performance.now() - started;
  const peakMb = process.resourceUsage().maxRSS / 1024;
  console.log(JSON.stringify({ task: values.task, ms: Math.round(ms), peakMb: Math.round(peakMb), detail }));
} finally {
  await db.destroy();
}
