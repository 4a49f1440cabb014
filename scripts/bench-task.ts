// One benchmark measurement in its own process, so its peak memory is its own.
// Prints one JSON line: { task, ms, peakMb, detail }. Called by scripts/bench.ts.
import { parseArgs } from 'node:util';
import { createDb } from '../db/connection.js';
import fs from 'node:fs';
import knexFactory from 'knex';
import { stringify } from 'csv-stringify/sync';
import { buildReturn, returnWorkbook } from '../server/annual-return/return-service.js';
import { runQuality } from '../server/quality/report.js';
import { importInterchange } from '../server/interchange/index.js';
import { exportHeader, exportRows } from '../server/interchange/export.js';
import { migrateLatest } from '../db/connection.js';
import { isDeliberateProblemRef } from '../server/demo/generate.js';

const { values } = parseArgs({ options: { task: { type: 'string' }, year: { type: 'string' }, file: { type: 'string' }, format: { type: 'string' } } });
const db = createDb({ databaseUrl: process.env.DATABASE_URL, sqliteFile: process.env.DATABASE_FILE });

const IMPORT_FILE = '.bench/import-50k.csv';
const TRACKER_ROWS = 50_000;
const trackerFile = (format: string) => `.bench/tracker-50k.${format}`;
/** CPU seconds (user + system) since `start`: wall times are noisy while other work shares the machine. */
const cpuSince = (start: NodeJS.CpuUsage) => {
  const u = process.cpuUsage(start);
  return `${((u.user + u.system) / 1e6).toFixed(1)} s CPU`;
};

/** A fresh empty database to import into: a new SQLite file, or a recreated PostgreSQL database. */
async function freshImportDb() {
  if (!process.env.DATABASE_URL) {
    for (const suffix of ['', '-wal', '-shm']) fs.rmSync(`.bench/import-target.sqlite${suffix}`, { force: true });
    return createDb({ sqliteFile: '.bench/import-target.sqlite' });
  }
  const admin = knexFactory({ client: 'pg', connection: process.env.DATABASE_URL });
  await admin.raw('drop database if exists fgc_bench_import with (force)');
  await admin.raw('create database fgc_bench_import');
  await admin.destroy();
  const url = new URL(process.env.DATABASE_URL);
  url.pathname = '/fgc_bench_import';
  return createDb({ databaseUrl: url.toString() });
}

const tasks: Record<string, () => Promise<string>> = {
  /**
   * Every kind of page rendered through the real app (HTTP in-process), each as the role that
   * uses it, with nothing cached (nothing is): the median and slowest of 5 renders. Insight
   * pages also for a date range, a quarter with a coordinator team, and a stage offered.
   */
  async pages() {
    const { default: request } = await import('supertest');
    const { createApp } = await import('../server/app.js');
    const { createServices } = await import('../server/services.js');
    const { loadConfig } = await import('../server/config.js');
    const { createLogger } = await import('../server/logger.js');
    const { createUser } = await import('../server/auth/users.js');
    const { hashPassword } = await import('../server/auth/passwords.js');
    const { INSIGHT_PAGES } = await import('../server/insight/routes.js');
    const { RULES } = await import('../server/quality/registry.js');
    const password = 'benchmark password only';
    const app = createApp(createServices(db, loadConfig({ NODE_ENV: 'test', DATABASE_FILE: ':memory:' }), createLogger('silent')));
    const year = values.year!;
    // the coordinator with the most referrals of the year, so My work and the case list are theirs
    const busiest = await db('referrals as r').join('users as u', 'u.id', 'r.coordinator_id').where('u.role', 'coordinator')
      .whereBetween('r.referral_date', [`${year}-04-01`, `${Number(year) + 1}-03-31`]).groupBy('u.id', 'u.email').select('u.id', 'u.email')
      .count({ n: '*' }).orderBy('n', 'desc').first() as { id: number; email: string } | undefined;
    if (!busiest) throw new Error('no coordinator with referrals in the year');
    await db('users').where({ id: busiest.id }).update({ password_hash: await hashPassword(password), active: true, locked_until: null, failed_attempts: 0 });
    const agents: Record<string, ReturnType<typeof request.agent>> = {};
    for (const role of ['coordinator', 'manager', 'data_lead', 'admin'] as const) {
      const email = role === 'coordinator' ? String(busiest.email) : `bench-${role}@bench.invalid`;
      if (!(await db('users').where({ email }).first())) await createUser(db, { email, name: `Bench ${role}`, role, password });
      const agent = request.agent(app);
      const page = await agent.get('/sign-in');
      const token = /name="_csrf" value="([^"]+)"/.exec(page.text)![1];
      const signedIn = await agent.post('/sign-in').type('form').send({ _csrf: token, email, password });
      if (signedIn.status !== 302) throw new Error(`${role} could not sign in`);
      agents[role] = agent;
    }
    const referral = await db('referrals').where('coordinator_id', busiest.id).whereNotNull('initial_fgc_date')
      .whereBetween('referral_date', [`${year}-04-01`, `${Number(year) + 1}-03-31`]).orderBy('referral_ref').first('id', 'family_id');
    const child = await db('referral_children').where({ referral_id: referral.id }).first('child_id');
    const surname = (await db('children').where({ id: child.child_id }).first('last_name'))?.last_name ?? 'a';
    const round = (n: number) => `${Math.round(n)} ms`;
    const lines: string[] = [];
    let slowest = { ms: 0, label: '' };
    const runs = async (role: string, label: string, path: string) => {
      const times: number[] = [];
      for (let i = 0; i < 5; i++) {
        const t = performance.now();
        const res = await agents[role].get(path);
        if (res.status !== 200) throw new Error(`${path} answered ${res.status} to the ${role}`);
        times.push(performance.now() - t);
      }
      times.sort((a, b) => a - b);
      if (times[2] > slowest.ms) slowest = { ms: times[2], label };
      lines.push(`      ${label.padEnd(44)} median ${round(times[2]).padStart(7)}, slowest ${round(times[4])}`);
    };
    const y = `year=${year}`;
    lines.push('    coordinator:');
    await runs('coordinator', 'case list', '/cases');
    await runs('coordinator', 'case list, page 20', '/cases?page=20');
    await runs('coordinator', 'case list, a search by surname', `/cases?q=${encodeURIComponent(surname)}`);
    await runs('coordinator', 'My work', '/my-work');
    await runs('coordinator', 'family page', `/families/${referral.family_id}`);
    await runs('coordinator', 'family history', `/families/${referral.family_id}/history`);
    await runs('coordinator', 'referral page', `/referrals/${referral.id}`);
    await runs('coordinator', 'referral history', `/referrals/${referral.id}/history`);
    await runs('coordinator', 'a stage form (conference)', `/referrals/${referral.id}/stages/conference`);
    await runs('coordinator', 'outcomes form', `/referrals/${referral.id}/outcomes`);
    await runs('coordinator', 'child form', `/children/${child.child_id}/edit`);
    await runs('coordinator', 'new referral form', `/families/${referral.family_id}/referrals/new`);
    lines.push(`    manager, insight ${year}-${String(Number(year) + 1).slice(2)}:`);
    for (const p of INSIGHT_PAGES) await runs('manager', p.title, `${p.path}?${y}`);
    const team = (await db('users').whereNotNull('team').whereNot('team', '').first('team'))?.team;
    const stage = (await db('referrals').whereNotNull('stage_offered').whereNot('stage_offered', '').first('stage_offered'))?.stage_offered;
    for (const p of INSIGHT_PAGES.filter((x) => x.key !== 'trends')) {
      await runs('manager', `${p.title}, dates`, `${p.path}?from-day=15&from-month=7&from-year=2024&to-day=30&to-month=11&to-year=2025`);
      if (team) await runs('manager', `${p.title}, Q3 + team`, `${p.path}?${y}&quarter=3&team=${encodeURIComponent(team)}`);
      if (stage) await runs('manager', `${p.title}, stage`, `${p.path}?${y}&stage=${encodeURIComponent(stage)}`);
    }
    lines.push('    data lead:');
    await runs('data_lead', `return ${year}`, `/returns/${year}`);
    await runs('data_lead', `return ${year}, drill-down (children referred)`, `/returns/${year}/figures?population=referred&unit=children`);
    await runs('data_lead', `return ${year}, workbook download`, `/returns/${year}/workbook.xlsx`);
    await runs('data_lead', `return ${year}, child extract (CSV)`, `/returns/${year}/child-extract.csv`);
    await runs('data_lead', 'data quality, whole database', '/quality');
    await runs('data_lead', `data quality, ${year}-${String(Number(year) + 1).slice(2)}`, `/quality?period=${year}`);
    await runs('data_lead', `data quality, one rule (${RULES[0].code})`, `/quality/${RULES[0].code}`);
    lines.push('    administrator:');
    for (const path of ['/admin/users', '/admin/code-lists', '/admin/merges', '/admin/settings', '/admin/retention']) await runs('admin', path, path);
    lines.push(`    slowest median: ${slowest.label}, ${round(slowest.ms)}`);
    return lines.join('\n');
  },
  async quality() {
    const cpu = process.cpuUsage();
    const report = await runQuality(db);
    return `${report.issues.length.toLocaleString()} issues from ${report.counts.length} rules, ${cpuSince(cpu)}`;
  },
  /** Writes the first 50,000 interchange rows of the benchmark database to a CSV (not timed as the import). */
  async 'import-prep'() {
    const rows: string[][] = [];
    const ref = exportHeader().indexOf('referral_ref');
    for await (const row of exportRows(db)) {
      if (isDeliberateProblemRef(row[ref])) continue; // the demo's deliberately inconsistent rows would (rightly) refuse the import
      rows.push(row);
      if (rows.length >= 50_000) break;
    }
    fs.writeFileSync(IMPORT_FILE, stringify([exportHeader(), ...rows]));
    return `${rows.length} rows, ${Math.round(fs.statSync(IMPORT_FILE).size / 1024 / 1024)} MB`;
  },
  async import() {
    const target = await freshImportDb();
    try {
      await migrateLatest(target);
      const started = performance.now();
      const cpu = process.cpuUsage();
      const outcome = await importInterchange(target, fs.readFileSync(IMPORT_FILE), { filename: 'import-50k.csv', userId: null });
      if (outcome.problems.length) throw new Error(`import refused: ${outcome.problems.slice(0, 3).map((p) => p.message).join('; ')}`);
      const s = outcome.summary;
      return `${s.rows} rows → ${s.families.create} families, ${s.children.create} children, ${s.referrals.create} referrals (${outcome.findings.length} data-quality findings, ${outcome.warnings.length} warnings) in ${Math.round(performance.now() - started)} ms, ${cpuSince(cpu)}`;
    } finally {
      await target.destroy();
    }
  },
  /** Writes a 50,000-row messy tracker (the synthetic generator's) as .xlsx and as CSV (not timed as the import). */
  async 'tracker-prep'() {
    const { syntheticTracker } = await import('../server/tracker-import/synthetic.js');
    const made: string[] = [];
    for (const format of ['xlsx', 'csv'] as const) {
      if (fs.existsSync(trackerFile(format)) && fs.statSync(trackerFile(format)).mtimeMs > fs.statSync('server/tracker-import/synthetic.ts').mtimeMs) continue;
      const t = await syntheticTracker({ rows: TRACKER_ROWS, format });
      fs.writeFileSync(trackerFile(format), t.buffer);
      made.push(`${format} ${t.rows} rows, ${t.referrals} referrals, ${(t.buffer.length / 1024 / 1024).toFixed(1)} MB`);
    }
    return made.join('; ');
  },
  /** The tracker import as the pages and npm run import-tracker run it (read → map → check → apply) into an empty database. */
  async tracker() {
    const { importTracker } = await import('../server/tracker-import/index.js');
    const { SYNTHETIC_MAPPING } = await import('../server/tracker-import/synthetic.js');
    const format = values.format ?? 'xlsx';
    const target = await freshImportDb();
    try {
      await migrateLatest(target);
      const started = performance.now();
      const cpu = process.cpuUsage();
      const phases = new Map<string, number>();
      const outcome = await importTracker(target, fs.readFileSync(trackerFile(format)), {
        filename: `tracker-50k.${format}`, mapping: SYNTHETIC_MAPPING, userId: null,
        onProgress: (p) => void (phases.has(p.phase) || phases.set(p.phase, performance.now() - started)),
      });
      if (outcome.problems.length || !outcome.applied) throw new Error(`tracker import refused: ${outcome.problems.slice(0, 3).map((p) => `row ${p.row} ${p.column}: ${p.message}`).join('; ')}`);
      const s = outcome.summary;
      const at = (phase: string) => `${phase} at ${((phases.get(phase) ?? NaN) / 1000).toFixed(1)} s`;
      return `${format}: ${s.rows} rows → ${s.families.create} families, ${s.children.create} children, ${s.referrals.create} referrals; ${['checking', 'writing', 'done'].map(at).join(', ')}; ${cpuSince(cpu)}`;
    } finally {
      await target.destroy();
    }
  },
  async return() {
    const cpu = process.cpuUsage();
    const built = await buildReturn(db, Number(values.year));
    const xlsx = await returnWorkbook(built);
    const p = built.ret.populations;
    return `${built.ret.period.label}: ${p.referred.fgcs} referrals, ${p.referred.children} children, workbook ${Math.round(xlsx.length / 1024)} KB, ${cpuSince(cpu)}`;
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
