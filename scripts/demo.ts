// npm run demo -- --referrals N --seed S [--database-file F] [--append] [--today YYYY-MM-DD]
// Fills the database with invented demo data (families, children, referrals over the last
// five financial years). DATABASE_URL selects PostgreSQL; otherwise DATABASE_FILE or
// data/fgc.sqlite. Progress goes to stderr; a summary at the end.
import { parseArgs } from 'node:util';
import { createDb, migrateLatest } from '../db/connection.js';
import { isIsoDate } from '../server/common/dates.js';
import { DemoRefusedError, loadDemoData } from '../server/demo/load.js';

const USAGE =
  'Usage: npm run demo -- --referrals N [--seed S] [--database-file FILE] [--append] [--today YYYY-MM-DD]\n' +
  '  --referrals N      how many referrals to create (about 2 children each)\n' +
  '  --seed S           same seed, same data (default 1); also names the references (DEMO<seed>-…)\n' +
  '  --database-file F  SQLite file (default: DATABASE_FILE or data/fgc.sqlite); ignored when DATABASE_URL is set\n' +
  '  --append           add to a database that already holds referrals\n' +
  '  --today D          reference date: nothing is dated after it (default: today)';

class UsageError extends Error {}

async function main() {
  const { values } = parseArgs({
    options: {
      referrals: { type: 'string' },
      seed: { type: 'string', default: '1' },
      'database-file': { type: 'string' },
      append: { type: 'boolean', default: false },
      today: { type: 'string' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const referrals = Number(values.referrals);
  if (!values.referrals || !Number.isInteger(referrals) || referrals < 1) throw new UsageError(`--referrals must be a whole number of 1 or more\n${USAGE}`);
  if (values.today && !isIsoDate(values.today)) throw new UsageError(`--today must be a date like 2026-03-31\n${USAGE}`);
  const seed = values.seed!;
  if (!seed.trim()) throw new UsageError(`--seed must not be empty\n${USAGE}`);

  const databaseUrl = process.env.DATABASE_URL || undefined;
  if (databaseUrl && !/^postgres(ql)?:\/\//.test(databaseUrl)) throw new UsageError('DATABASE_URL must start with postgres:// or postgresql://');
  const sqliteFile = values['database-file'] ?? process.env.DATABASE_FILE ?? 'data/fgc.sqlite';
  const target = databaseUrl ? `PostgreSQL ${new URL(databaseUrl).host}${new URL(databaseUrl).pathname}` : `SQLite ${sqliteFile}`;

  if (databaseUrl && values['database-file']) process.stderr.write('DATABASE_URL is set, so --database-file is ignored\n');

  const db = createDb({ databaseUrl, sqliteFile });
  try {
    await migrateLatest(db);
    process.stderr.write(`Writing ${referrals} demo referrals (seed ${seed}) to ${target}\n`);
    const started = Date.now();
    let lastReport = 0;
    const result = await loadDemoData(db, {
      referrals,
      seed,
      today: values.today,
      append: values.append,
      onProgress: (c) => {
        if (Date.now() - lastReport < 1000 && c.referrals < referrals) return;
        lastReport = Date.now();
        const rows = Object.values(c).reduce((a, b) => a + b, 0);
        process.stderr.write(
          `  ${((Date.now() - started) / 1000).toFixed(1)}s: ${c.referrals} referrals, ${c.children} children, ${c.families} families (${rows} rows)\n`,
        );
      },
    });
    const rows =
      result.families + result.children + result.childDisabilities + result.referrals + result.referralChildren + result.planContent + result.reviews;
    console.log(
      [
        `Demo data written to ${target} (references ${result.refPrefix}…, reference date ${result.today})`,
        `  families:   ${result.families}`,
        `  children:   ${result.children} (${result.duplicates.length} recorded twice on purpose)`,
        `  referrals:  ${result.referrals} (${result.problems.length} with deliberate data-quality problems, refs ending -DQ)`,
        `  coordinators: ${result.coordinators} (${result.coordinatorsCreated} created; they cannot sign in)`,
        `  rows:       ${rows}`,
        `  seconds:    ${result.seconds.toFixed(1)}`,
      ].join('\n'),
    );
  } finally {
    await db.destroy();
  }
}

main().catch((e) => {
  if (e instanceof DemoRefusedError || e instanceof UsageError) console.error(e.message);
  else console.error(e instanceof Error ? e.stack ?? e.message : e);
  process.exit(1);
});
