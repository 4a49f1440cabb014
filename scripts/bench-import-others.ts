// Other users during a large import: the real server as its own process, on an empty
// database with one family; a data lead uploads the 50,000-row interchange file (checked,
// nothing written) and confirms it (checked again, then written), while a coordinator
// opens the family page and the case list every 100 ms and saves a new family every 500 ms.
// Reported for each phase (upload check, confirm: re-check and write), by when a request
// was made: how many page reads and saves were made, their median and longest response
// times, and how many failed (an error status, or the connection dropped). Called by scripts/bench.ts (--only import); on its own:
//   node --import tsx scripts/bench-import-others.ts   (DATABASE_FILE or DATABASE_URL for the target)
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import knexFactory, { type Knex } from 'knex';
import { hashPassword } from '../server/auth/passwords.js';
import { migrateLatest } from '../db/connection.js';

const PASSWORD = 'benchmark password only';
const FILE = '.bench/import-50k.csv';

async function startServer(env: Record<string, string>): Promise<{ child: ChildProcess; base: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/index.ts'], {
    env: { ...process.env, ...env, PORT: '0', HOST: '127.0.0.1', NODE_ENV: 'production', SECURE_COOKIES: 'false', LOG_LEVEL: 'info', SESSION_SECRET: 'benchmark-session-secret-of-enough-length' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  process.once('exit', () => child.kill('SIGKILL')); // never left behind
  let out = '';
  child.stderr!.on('data', (d) => (out += d));
  const base = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start: ${out}`)), 60_000);
    child.stdout!.on('data', (d) => {
      out += d;
      const m = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    });
    child.on('exit', () => reject(new Error(`server exited: ${out}`)));
  });
  return { child, base };
}

/** A cookie-keeping client. */
export class Client {
  cookie = '';
  constructor(private base: string) {}
  async request(path: string, init: RequestInit = {}): Promise<Response> {
    const res = await fetch(this.base + path, { ...init, redirect: 'manual', headers: { ...(init.headers as object), cookie: this.cookie } });
    for (const c of res.headers.getSetCookie?.() ?? []) if (c.startsWith('fgc.sid=')) this.cookie = c.split(';')[0];
    return res;
  }
  async csrf(path: string): Promise<string> {
    return /name="_csrf" value="([^"]+)"/.exec(await (await this.request(path)).text())![1];
  }
  form(path: string, body: Record<string, string>) {
    return this.request(path, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(body).toString() });
  }
  async signIn(email: string) {
    const token = await this.csrf('/sign-in');
    const res = await this.form('/sign-in', { _csrf: token, email, password: PASSWORD });
    if (res.status !== 302) throw new Error(`sign-in as ${email} answered ${res.status}`);
  }
}

const letters = (k: number) => Array.from({ length: k }, () => String.fromCharCode(97 + Math.floor(Math.random() * 26))).join('');
function newFamily(csrf: string): Record<string, string> {
  const born = new Date(Date.UTC(2008, 0, 1) + Math.floor(Math.random() * 16 * 365) * 86_400_000);
  return {
    _csrf: csrf, first_name: `Bench${letters(6)}`, last_name: `Other${letters(8)}`, 'date_of_birth-day': String(born.getUTCDate()),
    'date_of_birth-month': String(born.getUTCMonth() + 1), 'date_of_birth-year': String(born.getUTCFullYear()),
  };
}

/** CPU time (ms) a process has used so far. */
function cpuMs(pid: number): number {
  const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
}

interface Sample { phase: string; kind: 'page' | 'save'; ms: number; ok: boolean }

const SQLITE_FILE = '.bench/import-others.sqlite';
const PG_DB = 'fgc_bench_import_others';

/** Drops the scratch database: the SQLite file, or the PostgreSQL database. */
async function dropTarget(env: Record<string, string>) {
  if (!env.DATABASE_URL) {
    for (const suffix of ['', '-wal', '-shm']) fs.rmSync(SQLITE_FILE + suffix, { force: true });
    return;
  }
  const admin = knexFactory({ client: 'pg', connection: env.DATABASE_URL });
  try {
    await admin.raw(`drop database if exists ${PG_DB} with (force)`);
  } finally {
    await admin.destroy();
  }
}

/** A fresh empty database: a SQLite file beside the benchmark's, or a new PostgreSQL database on its server. */
async function freshTarget(env: Record<string, string>): Promise<{ env: Record<string, string>; db: Knex }> {
  await dropTarget(env);
  if (!env.DATABASE_URL) {
    return { env: { DATABASE_FILE: SQLITE_FILE }, db: knexFactory({ client: 'better-sqlite3', connection: { filename: SQLITE_FILE }, useNullAsDefault: true }) };
  }
  const admin = knexFactory({ client: 'pg', connection: env.DATABASE_URL });
  try {
    await admin.raw(`create database ${PG_DB}`);
  } finally {
    await admin.destroy();
  }
  const url = new URL(env.DATABASE_URL);
  url.pathname = `/${PG_DB}`;
  return { env: { DATABASE_URL: url.toString() }, db: knexFactory({ client: 'pg', connection: url.toString() }) };
}

/**
 * The benchmarks run beside other users: a fresh empty database with a data lead and a
 * coordinator, the real server as its own process on it, both signed in; `run` gives the
 * lines to print. The server is stopped and the database dropped afterwards.
 */
export async function withBenchServer(
  target: { env: Record<string, string> },
  run: (s: { lead: Client; coordinator: Client; child: ChildProcess }) => Promise<string>,
): Promise<string> {
  const { env, db } = await freshTarget(target.env);
  try {
    await migrateLatest(db);
    const at = new Date().toISOString();
    const hash = await hashPassword(PASSWORD);
    await db('users').insert([
      { email: 'bench-lead@bench.invalid', name: 'Bench lead', role: 'data_lead', password_hash: hash, active: true, created_at: at },
      { email: 'bench-coordinator@bench.invalid', name: 'Bench coordinator', role: 'coordinator', password_hash: hash, active: true, created_at: at },
    ]);
  } finally {
    await db.destroy();
  }
  const { child, base } = await startServer(env);
  try {
    const lead = new Client(base);
    const coordinator = new Client(base);
    await lead.signIn('bench-lead@bench.invalid');
    await coordinator.signIn('bench-coordinator@bench.invalid');
    return await run({ lead, coordinator, child });
  } finally {
    if (child.exitCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    }
    await dropTarget(target.env);
  }
}

export function benchImportOthers(target: { env: Record<string, string> }): Promise<string> {
  return withBenchServer(target, async ({ lead, coordinator, child }) => {
    const csrf = await coordinator.csrf('/cases');
    const first = await coordinator.form('/families', newFamily(csrf));
    const familyPage = first.headers.get('location')!;
    if (first.status !== 302 || !/^\/families\/\d+/.test(familyPage)) throw new Error(`the first family was not saved (${first.status})`);

    let phase = 'before';
    let stop = false;
    const samples: Sample[] = [];
    const errors: string[] = [];
    const timed = async (kind: Sample['kind'], f: () => Promise<Response>, ok: (r: Response) => boolean) => {
      const p = phase;
      const t = performance.now();
      try {
        const res = await f();
        await res.arrayBuffer();
        samples.push({ phase: p, kind, ms: performance.now() - t, ok: ok(res) });
      } catch (e) {
        // a connection dropped (the server restarted, or gave up on the request)
        samples.push({ phase: p, kind, ms: performance.now() - t, ok: false });
        errors.push(`${kind}: ${(e as Error).cause ?? e}`);
      }
    };
    const pages = (async () => {
      for (let i = 0; !stop; i++) {
        const t = performance.now();
        await timed('page', () => coordinator.request(i % 2 ? '/cases' : familyPage), (r) => r.status === 200);
        await new Promise((r) => setTimeout(r, Math.max(0, 100 - (performance.now() - t))));
      }
    })();
    const saves = (async () => {
      while (!stop) {
        const t = performance.now();
        await timed('save', () => coordinator.form('/families', newFamily(csrf)), (r) => r.status === 302);
        await new Promise((r) => setTimeout(r, Math.max(0, 500 - (performance.now() - t))));
      }
    })();

    await new Promise((r) => setTimeout(r, 1000));
    const cpu0 = cpuMs(child.pid!);
    const t0 = performance.now();
    const form = new FormData();
    form.append('_csrf', await lead.csrf('/imports/interchange'));
    form.append('file', new Blob([new Uint8Array(fs.readFileSync(FILE))], { type: 'text/csv' }), 'import-50k.csv');
    phase = 'upload (check)';
    const preview = await lead.request('/imports/interchange', { method: 'POST', body: form });
    const html = await preview.text();
    const checkMs = performance.now() - t0;
    if (preview.status !== 200) throw new Error(`the upload answered ${preview.status}`);
    const action = /action="(\/imports\/interchange\/\d+\/apply)"/.exec(html)![1];
    const token = /name="_csrf" value="([^"]+)"/.exec(html)![1];
    phase = 'confirm (check, write)';
    const t1 = performance.now();
    const done = await lead.form(action, { _csrf: token });
    const doneHtml = await done.text();
    const applyMs = performance.now() - t1;
    const serverCpu = cpuMs(child.pid!) - cpu0;
    if (done.status !== 200 || !/Import complete/.test(doneHtml)) throw new Error(`the import answered ${done.status}`);
    phase = 'after';
    await new Promise((r) => setTimeout(r, 600));
    stop = true;
    await Promise.all([pages, saves]);

    const lines = [`  other users during a 50,000-row interchange import through the pages (upload ${(checkMs / 1000).toFixed(1)} s, confirm ${(applyMs / 1000).toFixed(1)} s, server CPU ${(serverCpu / 1000).toFixed(1)} s):`];
    for (const p of ['upload (check)', 'confirm (check, write)']) {
      for (const kind of ['page', 'save'] as const) {
        const xs = samples.filter((s) => s.phase === p && s.kind === kind);
        const ms = xs.map((s) => s.ms).sort((a, b) => a - b);
        const failed = xs.filter((s) => !s.ok).length;
        lines.push(`    during the ${p.padEnd(22)} ${kind === 'page' ? 'page reads' : 'saves     '}: ${String(xs.length).padStart(3)} made, `
          + `median ${ms.length ? Math.round(ms[Math.floor(ms.length / 2)]) : '-'} ms, longest ${ms.length ? Math.round(ms[ms.length - 1]) : '-'} ms, ${failed} failed`);
      }
    }
    if (errors.length) lines.push(`    connection errors: ${[...new Set(errors)].join('; ')}`);
    return lines.join('\n');
  });
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const env: Record<string, string> = process.env.DATABASE_URL ? { DATABASE_URL: process.env.DATABASE_URL } : { DATABASE_FILE: process.env.DATABASE_FILE ?? '.bench/bench.sqlite' };
  console.log(await benchImportOthers({ env }));
}
