// Page latency under load: the real server as its own process (NODE_ENV=production), driven
// on loopback, bounded in time (BENCH_LOAD_SECONDS per run, default 8; a run that has not
// finished 30 s after that is abandoned and the server stopped). The load generator shares
// the machine's cores with the server (and, on PostgreSQL, with the database server).
//
// The server is measured as configured by default (WORKERS=1, one process) and with
// WORKERS=2 (two processes sharing the port, node:cluster). Each time, after start-up work,
// every page is first requested flat out for BENCH_WARM_UP_SECONDS (default 3, not counted):
// a server just started runs its code unoptimised for its first few hundred requests (2 to 3
// times the CPU per page), and a server in use has long since served those.
//
// Then, for each page (case list, family page, saving the new-family form) and each number
// of users (20, 100):
// - paced: each user sends one request a second, all users at the same moment (autocannon's
//   connection rate): every second a burst of as many requests as users, the worst case of
//   that load (the first second, while autocannon connects and starts, is not counted);
// - spread: each user sends one request a second on average, at random moments (arrivals
//   spread as independent users' clicks are, a Poisson process), timed from the moment each
//   request was due, so a slow server cannot hide its delay by sending fewer. Still a very busy
//   day: people pause far longer between pages, so 20 such users stand for hundreds;
// - flat out: each user sends the next request as soon as the last is answered, so the
//   server is saturated: throughput is its capacity, latency is mostly queueing (users ÷
//   throughput), and any error shows what breaks under overload.
// Reported: throughput, p50/p95/p99 of the response times, errors (responses other than
// 2xx/3xx, timeouts, connection errors), how many saves were really saved (a redirect to
// the new family), the server's CPU time per request (all its processes) and peak memory.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import knexFactory from 'knex';
import { hashPassword } from '../server/auth/passwords.js';

const PASSWORD = 'benchmark password only';
const DURATION_S = Number(process.env.BENCH_LOAD_SECONDS ?? 8);
const WARM_UP_S = Number(process.env.BENCH_WARM_UP_SECONDS ?? 3);
const USERS = [20, 100];
const MODES = ['paced', 'spread', 'flat out'] as const;
const WORKERS = [1, 2];
const REQUEST_TIMEOUT_S = 10;

async function startServer(env: Record<string, string>, workers: number, nodeArgs: string[] = []): Promise<{ child: ChildProcess; base: string }> {
  const child = spawn(process.execPath, [...nodeArgs, '--import', 'tsx', 'server/index.ts'], {
    env: { ...process.env, ...env, WORKERS: String(workers), PORT: '0', NODE_ENV: 'production', SECURE_COOKIES: 'false', LOG_LEVEL: 'warn', SESSION_SECRET: 'benchmark-session-secret-of-enough-length' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  if (process.env.BENCH_SERVER_OUTPUT) { // the server's own output, to look into a run (with --node-args=--trace-gc, say)
    const file = fs.createWriteStream(process.env.BENCH_SERVER_OUTPUT, { flags: 'a' });
    child.stdout!.pipe(file);
    child.stderr!.pipe(file);
  }
  // production logs at warn: find the port from the socket list instead of the log line
  for (let i = 0; i < 300; i++) {
    await new Promise((r) => setTimeout(r, 100));
    const port = listeningPort(child.pid!);
    if (port) return { child, base: `http://127.0.0.1:${port}` };
    if (child.exitCode !== null) break;
  }
  child.kill('SIGTERM');
  throw new Error(`server did not start: ${out}`);
}

function listeningPort(pid: number): number | null {
  try {
    const inodes = new Set(fs.readdirSync(`/proc/${pid}/fd`).map((fd) => {
      try { return /socket:\[(\d+)\]/.exec(fs.readlinkSync(`/proc/${pid}/fd/${fd}`))?.[1]; } catch { return undefined; }
    }).filter(Boolean));
    for (const line of fs.readFileSync('/proc/net/tcp', 'utf8').split('\n').slice(1)) {
      const cols = line.trim().split(/\s+/);
      if (cols[3] === '0A' && inodes.has(cols[9])) return parseInt(cols[1].split(':')[1], 16);
    }
  } catch { /* not up yet */ }
  return null;
}

/** The process and its descendants (the server's worker processes, when it runs several). */
function processTree(pid: number): number[] {
  let children: number[] = [];
  try {
    for (const tid of fs.readdirSync(`/proc/${pid}/task`)) {
      children = children.concat(fs.readFileSync(`/proc/${pid}/task/${tid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number));
    }
  } catch { /* gone */ }
  return [pid, ...children.flatMap(processTree)];
}

/** Peak resident memory of the server's processes, added up (MB). */
const peakMb = (pid: number) => processTree(pid).reduce((sum, p) => {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${p}/status`, 'utf8'));
    return sum + (m ? Math.round(Number(m[1]) / 1024) : 0);
  } catch {
    return sum;
  }
}, 0);

/** CPU time (ms) the server's processes have used so far. */
function cpuMs(pid: number): number {
  return processTree(pid).reduce((sum, p) => {
    try {
      const fields = fs.readFileSync(`/proc/${p}/stat`, 'utf8').split(') ')[1].split(' ');
      return sum + ((Number(fields[11]) + Number(fields[12])) * 1000) / 100; // utime + stime, in clock ticks of 1/100 s
    } catch {
      return sum;
    }
  }, 0);
}

/**
 * Waits (at most 60 s) until the server's start-up work (migrations, the insight warm-up, which
 * begins a second after start) is done: at least 3 s, then until it uses under 10% CPU for a second.
 */
async function settle(pid: number): Promise<number> {
  const started = performance.now();
  await new Promise((r) => setTimeout(r, 3000));
  let before = cpuMs(pid);
  while (performance.now() - started < 60_000) {
    await new Promise((r) => setTimeout(r, 1000));
    const now = cpuMs(pid);
    if (now - before < 100) break;
    before = now;
  }
  return Math.round((performance.now() - started) / 1000);
}

function percentile(sorted: number[], p: number) {
  if (!sorted.length) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

async function signIn(base: string, email: string) {
  const page = await fetch(`${base}/sign-in`);
  const cookie = (page.headers.getSetCookie()[0] ?? '').split(';')[0];
  const token = /name="_csrf" value="([^"]+)"/.exec(await page.text())![1];
  const res = await fetch(`${base}/sign-in`, {
    method: 'POST', redirect: 'manual', headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ _csrf: token, email, password: PASSWORD }),
  });
  const session = (res.headers.getSetCookie()[0] ?? '').split(';')[0];
  const cases = await fetch(`${base}/cases`, { headers: { cookie: session } });
  const csrf = /name="_csrf" value="([^"]+)"/.exec(await cases.text())![1];
  return { cookie: session, csrf };
}

const letters = (k: number) => Array.from({ length: k }, () => String.fromCharCode(97 + Math.floor(Math.random() * 26))).join('');

/** A new family's first child, unlike any other (random name and date of birth), so the save is not held for a duplicate check. */
function newFamilyForm(csrf: string): string {
  const born = new Date(Date.UTC(2008, 0, 1) + Math.floor(Math.random() * 16 * 365) * 86_400_000);
  return new URLSearchParams({
    _csrf: csrf, first_name: `Bench${letters(6)}`, last_name: `Load${letters(8)}`, 'date_of_birth-day': String(born.getUTCDate()),
    'date_of_birth-month': String(born.getUTCMonth() + 1), 'date_of_birth-year': String(born.getUTCFullYear()),
  }).toString();
}

export interface LoadFigures {
  page: string;
  users: number;
  mode: (typeof MODES)[number];
  /** server processes (WORKERS) */
  workers: number;
  perSecond: number;
  p50: number;
  p95: number;
  p99: number;
  requests: number;
  /** responses other than 2xx/3xx */
  badStatus: number;
  timeouts: number;
  /** connection errors other than timeouts */
  connectionErrors: number;
  /** responses with status 302 (for the form: saved) */
  redirects: number;
  /** the server's CPU time per request (steadier than wall times while other work shares the machine) */
  cpuPerRequest: number;
}

/** A page the load asks for: the same requests for autocannon and for the spread run. */
interface PageSpec {
  name: string;
  method: 'GET' | 'POST';
  path: () => string;
  body?: () => string;
  headers: Record<string, string>;
}

type Run = { pid: number; base: string; workers: number; users: number; mode: LoadFigures['mode'] };

/** Sorted response times and counts, with the server's CPU over the run, as figures. */
function figures(run: Run, page: PageSpec, sorted: number[], cpuMsUsed: number, perSecond: number,
  counts: Pick<LoadFigures, 'badStatus' | 'timeouts' | 'connectionErrors' | 'redirects'>): LoadFigures {
  return {
    page: page.name, users: run.users, mode: run.mode, workers: run.workers, perSecond: Math.round(perSecond),
    p50: percentile(sorted, 50), p95: percentile(sorted, 95), p99: percentile(sorted, 99),
    requests: sorted.length, ...counts, cpuPerRequest: sorted.length ? cpuMsUsed / sorted.length : NaN,
  };
}

/**
 * Paced and flat-out runs (autocannon), or a warm-up (flat out, `seconds` long). A paced run
 * lasts a second longer and its first second is not counted: autocannon opens its connections
 * and starts its clients then, on the cores the server uses, and that first burst took 3 to 4
 * times as long as the later ones (the server answers a burst on new connections as fast as on
 * open ones); with a burst a second, that one burst would be the slowest 5 %.
 */
async function measureAutocannon(run: Run, page: PageSpec, seconds = DURATION_S): Promise<LoadFigures> {
  const paced = run.mode === 'paced';
  const times: number[] = [];
  const cpuBefore = cpuMs(run.pid);
  const started = performance.now();
  let answered = 0;
  let badStatus = 0;
  let redirects = 0;
  const instance = autocannon({
    url: run.base, headers: page.headers, connections: run.users, duration: paced ? seconds + 1 : seconds, timeout: REQUEST_TIMEOUT_S,
    requests: [{ method: page.method, setupRequest: (req: autocannon.Request) => ({ ...req, path: page.path(), ...(page.body ? { body: page.body() } : {}) }) }],
    ...(paced ? { connectionRate: 1 } : {}),
  }) as unknown as import('node:events').EventEmitter & Promise<autocannon.Result> & { stop: () => void };
  instance.on('response', (_c: unknown, status: number, _b: number, ms: number) => {
    answered++;
    if (status >= 400) badStatus++; // an error counts whenever it happens
    if (paced && performance.now() - ms - started < 500) return; // the first burst, sent at once; the next comes a second later
    times.push(ms);
    if (status === 302) redirects++;
  });
  let guard: NodeJS.Timeout | undefined;
  const result = await Promise.race([
    instance,
    new Promise<never>((_, reject) => {
      guard = setTimeout(() => { instance.stop(); reject(new Error(`${page.name} at ${run.users} users did not finish in time`)); }, (seconds + 30) * 1000);
    }),
  ]).finally(() => clearTimeout(guard));
  times.sort((a, b) => a - b);
  const cpuPerAnswer = answered ? (cpuMs(run.pid) - cpuBefore) / answered : NaN;
  return figures(run, page, times, cpuPerAnswer * times.length, paced ? times.length / seconds : result.requests.average,
    { badStatus, redirects, timeouts: result.timeouts, connectionErrors: result.errors - result.timeouts });
}

/**
 * The spread run: requests at random moments, on average one a second per user (exponential
 * gaps between them), each on a free connection of at most `users` kept open. A response's
 * time counts from when its request was due, so waiting for a connection or for the load
 * generator's own timer counts against the server too.
 */
async function measureSpread(run: Run, page: PageSpec): Promise<LoadFigures> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: run.users });
  const times: number[] = [];
  const counts = { badStatus: 0, timeouts: 0, connectionErrors: 0, redirects: 0 };
  const cpuBefore = cpuMs(run.pid);
  const started = performance.now();
  const pending: Promise<void>[] = [];
  const send = (due: number) => new Promise<void>((resolve) => {
    const body = page.body?.();
    const req = http.request(run.base + page.path(), {
      method: page.method, agent, timeout: REQUEST_TIMEOUT_S * 1000,
      headers: { ...page.headers, ...(body ? { 'content-length': Buffer.byteLength(body) } : {}) },
    }, (res) => {
      res.resume();
      res.on('end', () => {
        times.push(performance.now() - due);
        if (res.statusCode! >= 400) counts.badStatus++;
        if (res.statusCode === 302) counts.redirects++;
        resolve();
      });
    });
    let timedOut = false;
    req.on('timeout', () => {
      timedOut = true;
      counts.timeouts++;
      req.destroy();
    });
    req.on('error', () => {
      if (!timedOut) counts.connectionErrors++;
      resolve();
    });
    req.end(body);
  });
  for (let due = started; due < started + DURATION_S * 1000; due += (-Math.log(1 - Math.random()) / run.users) * 1000) {
    const wait = due - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    pending.push(send(due));
  }
  await Promise.all(pending);
  agent.destroy();
  times.sort((a, b) => a - b);
  return figures(run, page, times, cpuMs(run.pid) - cpuBefore, times.length / DURATION_S, counts);
}

const ms = (n: number) => (Number.isNaN(n) ? '-' : `${n.toFixed(0)} ms`);

export function formatLoad(f: LoadFigures): string {
  const errors = f.badStatus + f.timeouts + f.connectionErrors;
  const detail = errors ? ` (${f.badStatus} bad status, ${f.timeouts} timeouts, ${f.connectionErrors} connection errors)` : '';
  const saved = f.page === 'form save' ? `, ${f.redirects} saved` : '';
  return `    ${f.page.padEnd(12)} ${String(f.users).padStart(3)} users ${f.mode.padEnd(8)}: ${String(f.perSecond).padStart(4)} req/s, `
    + `p50 ${ms(f.p50)}, p95 ${ms(f.p95)}, p99 ${ms(f.p99)}, ${f.requests} requests${saved}, ${errors} errors${detail}, `
    + `server CPU ${f.cpuPerRequest.toFixed(1)} ms/request`;
}

export interface LoadOptions {
  /** page names to run (default all) */
  pages?: string[];
  users?: number[];
  modes?: LoadFigures['mode'][];
  /** server processes (WORKERS) to measure, one server start each (default 1 and 2) */
  workers?: number[];
  /** extra node options for the server process, e.g. --cpu-prof */
  nodeArgs?: string[];
}

function knexFor(env: Record<string, string>) {
  return env.DATABASE_URL
    ? knexFactory({ client: 'pg', connection: env.DATABASE_URL })
    : knexFactory({ client: 'better-sqlite3', connection: { filename: env.DATABASE_FILE }, useNullAsDefault: true });
}

export async function benchLoad(target: { env: Record<string, string> }, options: LoadOptions = {}): Promise<LoadFigures[]> {
  const db = knexFor(target.env);
  const email = 'bench-coordinator@bench.invalid';
  let families: number[];
  try {
    if (!(await db('users').where({ email }).first())) {
      await db('users').insert({ email, name: 'Bench coordinator', role: 'coordinator', password_hash: await hashPassword(PASSWORD), active: true, created_at: new Date().toISOString() });
    }
    families = (await db('families').select('id').orderBy('id').limit(200)).map((r) => r.id as number);
  } finally {
    await db.destroy();
  }
  const out: LoadFigures[] = [];
  for (const workers of options.workers ?? WORKERS) {
    const { child, base } = await startServer(target.env, workers, options.nodeArgs);
    try {
      const waited = await settle(child.pid!);
      const session = await signIn(base, email);
      const headers = { cookie: session.cookie };
      let n = 0;
      const pages: PageSpec[] = [
        { name: 'case list', method: 'GET', path: () => '/cases', headers },
        { name: 'family page', method: 'GET', path: () => `/families/${families[n++ % families.length]}`, headers },
        {
          name: 'form save', method: 'POST', path: () => '/families', body: () => newFamilyForm(session.csrf),
          headers: { ...headers, 'content-type': 'application/x-www-form-urlencoded' },
        },
      ].filter((p) => !options.pages || options.pages.includes(p.name)) as PageSpec[];
      console.log(`  page latency under load, WORKERS=${workers} (${workers === 1 ? 'one server process' : `${workers} server processes`}; `
        + `${DURATION_S} s per run, after ${waited} s of server start-up work and a ${WARM_UP_S} s warm-up of each page):`);
      for (const page of pages) await measureAutocannon({ pid: child.pid!, base, workers, users: 20, mode: 'flat out' }, page, WARM_UP_S);
      for (const mode of options.modes ?? MODES) {
        for (const users of options.users ?? USERS) {
          for (const page of pages) {
            const run: Run = { pid: child.pid!, base, workers, users, mode };
            const f = mode === 'spread' ? await measureSpread(run, page) : await measureAutocannon(run, page);
            console.log(formatLoad(f));
            out.push(f);
          }
        }
      }
      console.log(`    server peak memory: ${peakMb(child.pid!)} MB${workers > 1 ? ' (its processes added up)' : ''}`);
    } finally {
      child.kill('SIGTERM');
      await new Promise((r) => (child.exitCode === null ? child.once('exit', r) : r(null)));
    }
  }
  return out;
}

// Run on its own, for one page or mode while working on it (the database named by DATABASE_FILE or
// DATABASE_URL is used as it is, and the form run saves into it: use the copy npm run bench makes):
//   DATABASE_FILE=.bench/load-copy.sqlite npx tsx scripts/bench-load.ts --pages 'family page' --users 20 --modes paced,spread
//     [--workers 1] [--node-args='--cpu-prof --cpu-prof-dir=.bench/prof']
if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({
    options: { pages: { type: 'string' }, users: { type: 'string' }, modes: { type: 'string' }, workers: { type: 'string' }, 'node-args': { type: 'string' } },
  });
  const list = (v: string | undefined) => v?.split(',').map((x) => x.trim());
  const env: Record<string, string> = process.env.DATABASE_URL ? { DATABASE_URL: process.env.DATABASE_URL } : { DATABASE_FILE: process.env.DATABASE_FILE ?? '.bench/load-copy.sqlite' };
  benchLoad({ env }, {
    pages: list(values.pages), users: list(values.users)?.map(Number), modes: list(values.modes) as LoadFigures['mode'][],
    workers: list(values.workers)?.map(Number), nodeArgs: values['node-args']?.split(' ').filter(Boolean),
  }).catch((e) => {
    console.error(e);
    process.exit(1);
  });
}
