// npm run bench [-- --only return,quality,pages,import,tracker,hostile,load] [--no-pg] [--no-sqlite] [--referrals 30000]
// Builds (or reuses) a database of the given size — by default 30,000 referrals and about
// 60,000 children, ten years of the largest council; --referrals 100000 for the national-scale
// stress test — on SQLite and on PostgreSQL, then measures each target and prints figures.
// Not part of CI: it takes minutes.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import knexFactory from 'knex';
import { benchLoad } from './bench-load.js';
import { benchImportOthers } from './bench-import-others.js';
import { benchHostile } from './bench-hostile.js';

const { values } = parseArgs({
  options: {
    only: { type: 'string' },
    'no-pg': { type: 'boolean', default: false },
    'no-sqlite': { type: 'boolean', default: false },
    referrals: { type: 'string', default: '30000' },
    seed: { type: 'string', default: '1' },
  },
});
const only = values.only ? new Set(values.only.split(',')) : null;
const wanted = (name: string) => !only || only.has(name);
const REFERRALS = Number(values.referrals);
const PG_ADMIN = process.env.BENCH_PG_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const PG_DB = `fgc_bench_${REFERRALS}`;

interface Target {
  label: string;
  env: Record<string, string>;
}

function run(cmd: string, args: string[], env: Record<string, string>): Promise<{ code: number; stdout: string }> {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
    let stdout = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.on('close', (code) => resolve({ code: code ?? -1, stdout }));
  });
}

async function task(target: Target, name: string, args: string[] = []) {
  const { code, stdout } = await run(process.execPath, ['--expose-gc', '--import', 'tsx', 'scripts/bench-task.ts', '--task', name, ...args], target.env);
  const line = stdout.trim().split('\n').pop() ?? '';
  if (code !== 0) throw new Error(`bench task ${name} failed: ${stdout}`);
  return JSON.parse(line) as { task: string; ms: number; peakMb: number; detail: string };
}

async function referralCount(target: Target): Promise<number> {
  const db = target.env.DATABASE_URL
    ? knexFactory({ client: 'pg', connection: target.env.DATABASE_URL })
    : knexFactory({ client: 'better-sqlite3', connection: { filename: target.env.DATABASE_FILE }, useNullAsDefault: true });
  try {
    const r = await db('referrals').count({ n: '*' }).first();
    return Number(r?.n ?? 0);
  } catch {
    return 0;
  } finally {
    await db.destroy();
  }
}

/** Fresh planner statistics and visibility map (autovacuum, which would keep them, may be off on a test server). */
async function analyze(url: string) {
  const db = knexFactory({ client: 'pg', connection: url });
  try {
    await db.raw('vacuum analyze');
  } finally {
    await db.destroy();
  }
}

async function ensureDatabase(target: Target) {
  if ((await referralCount(target)) === REFERRALS) {
    // A database built by an earlier version gets the newer migrations (the indexes measured code relies on).
    const { code } = await run(process.execPath, ['--import', 'tsx', 'scripts/migrate.ts'], target.env);
    if (code !== 0) throw new Error('migrating the benchmark database failed');
    console.log(`  reusing the benchmark database (${REFERRALS.toLocaleString()}+ referrals), migrated`);
    return;
  }
  if (target.env.DATABASE_FILE) for (const f of fs.readdirSync('.bench')) if (f.startsWith(path.basename(target.env.DATABASE_FILE))) fs.rmSync(path.join('.bench', f));
  const started = performance.now();
  const { code } = await run(process.execPath, ['--import', 'tsx', 'scripts/demo.ts', '--referrals', String(REFERRALS), '--seed', values.seed!], target.env);
  if (code !== 0) throw new Error('demo data generation failed');
  console.log(`  built with npm run demo -- --referrals ${REFERRALS} --seed ${values.seed}: ${((performance.now() - started) / 1000).toFixed(1)} s`);
}

const fmt = (r: { ms: number; peakMb: number; detail: string }) => `${r.ms.toLocaleString()} ms, peak ${r.peakMb} MB (${r.detail})`;

/**
 * The load run saves new families: it runs on a copy, so the benchmark database (and the
 * figures measured on it later) stay as built.
 */
async function scratchCopy(target: Target): Promise<Target> {
  if (target.env.DATABASE_FILE) {
    const copy = '.bench/load-copy.sqlite';
    for (const suffix of ['', '-wal', '-shm']) fs.rmSync(copy + suffix, { force: true });
    const db = knexFactory({ client: 'better-sqlite3', connection: { filename: target.env.DATABASE_FILE }, useNullAsDefault: true });
    try {
      await db.raw('vacuum into ?', [copy]);
    } finally {
      await db.destroy();
    }
    return { label: target.label, env: { DATABASE_FILE: copy } };
  }
  const source = new URL(target.env.DATABASE_URL);
  const admin = knexFactory({ client: 'pg', connection: PG_ADMIN });
  try {
    await admin.raw('drop database if exists fgc_bench_load with (force)');
    await admin.raw(`create database fgc_bench_load template ${source.pathname.slice(1)}`);
  } finally {
    await admin.destroy();
  }
  source.pathname = '/fgc_bench_load';
  return { label: target.label, env: { DATABASE_URL: source.toString() } };
}

async function benchTarget(target: Target) {
  console.log(`\n== ${target.label} ==`);
  await ensureDatabase(target);
  if (target.env.DATABASE_URL) await analyze(target.env.DATABASE_URL);
  const year = process.env.BENCH_YEAR ?? String(new Date().getFullYear() - (new Date().getMonth() < 3 ? 2 : 1));
  if (wanted('return')) console.log(`  annual return ${year} (count + workbook): ${fmt(await task(target, 'return', ['--year', year]))}`);
  if (wanted('quality')) console.log(`  whole-database quality run: ${fmt(await task(target, 'quality'))}`);
  if (wanted('pages')) console.log(`  every kind of page, server-side render through the app, nothing cached:\n${(await task(target, 'pages', ['--year', year])).detail}`);
  if (wanted('import')) {
    await task(target, 'import-prep');
    console.log(`  import of a 50,000-row interchange file into an empty database: ${fmt(await task(target, 'import'))}`);
    console.log(await benchImportOthers(target));
  }
  if (wanted('tracker')) {
    await task(target, 'tracker-prep');
    for (const format of ['xlsx', 'csv']) {
      console.log(`  import of a 50,000-row messy tracker (${format}) into an empty database: ${fmt(await task(target, 'tracker', ['--format', format]))}`);
    }
  }
  if (wanted('hostile')) console.log(await benchHostile(target));
  if (wanted('load')) await benchLoad(await scratchCopy(target));
}

async function main() {
  fs.mkdirSync('.bench', { recursive: true });
  console.log(`FGC data benchmark, ${new Date().toISOString().slice(0, 16)}Z, node ${process.version}, ${REFERRALS.toLocaleString()} referrals`);
  if (!values['no-sqlite']) await benchTarget({ label: 'SQLite', env: { DATABASE_FILE: `.bench/bench-${REFERRALS}.sqlite` } });
  if (!values['no-pg']) {
    const admin = knexFactory({ client: 'pg', connection: PG_ADMIN });
    try {
      const exists = await admin.raw('select 1 from pg_database where datname = ?', [PG_DB]);
      if (!exists.rows.length) await admin.raw(`create database ${PG_DB}`);
      const url = new URL(PG_ADMIN);
      url.pathname = `/${PG_DB}`;
      await benchTarget({ label: 'PostgreSQL', env: { DATABASE_URL: url.toString() } });
    } catch (e) {
      console.log(`\n== PostgreSQL ==\n  skipped: ${(e as Error).message}`);
    } finally {
      await admin.destroy();
    }
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
