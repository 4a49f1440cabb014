// Page latency under load: the real server as its own process, driven by autocannon on
// loopback, bounded in time (BENCH_LOAD_SECONDS per run, default 8; a run that has not
// finished 30 s after that is abandoned and the server stopped).
//
// For each page (case list, family page, saving the new-family form) and each number of
// users (20, 100) it runs:
// - paced: each user sends one request per second (a very busy user; people pause far
//   longer between pages), so latency is what one user waits with that many others working;
// - flat out: each user sends the next request as soon as the last is answered, so the
//   server is saturated: throughput is its capacity, latency is mostly queueing (users ÷
//   throughput), and any error shows what breaks under overload.
// Reported: throughput, p50/p95/p99 of the response times, errors (responses other than
// 2xx/3xx, timeouts, connection errors), how many saves were really saved (a redirect to
// the new family), and the server's peak memory.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import autocannon from 'autocannon';
import knexFactory from 'knex';
import { hashPassword } from '../server/auth/passwords.js';

const PASSWORD = 'benchmark password only';
const DURATION_S = Number(process.env.BENCH_LOAD_SECONDS ?? 8);
const USERS = [20, 100];
const REQUEST_TIMEOUT_S = 10;

async function startServer(env: Record<string, string>): Promise<{ child: ChildProcess; base: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/index.ts'], {
    env: { ...process.env, ...env, PORT: '0', NODE_ENV: 'production', SECURE_COOKIES: 'false', LOG_LEVEL: 'warn', SESSION_SECRET: 'benchmark-session-secret-of-enough-length' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
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

const peakMb = (pid: number) => {
  const m = /VmHWM:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Math.round(Number(m[1]) / 1024) : NaN;
};

/** CPU time (ms) the process has used so far. */
function cpuMs(pid: number): number {
  const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100; // utime + stime, in clock ticks of 1/100 s
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
  mode: 'paced' | 'flat out';
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

async function measure(pid: number, page: string, users: number, mode: LoadFigures['mode'], opts: autocannon.Options): Promise<LoadFigures> {
  const times: number[] = [];
  const cpuBefore = cpuMs(pid);
  let badStatus = 0;
  let redirects = 0;
  const instance = autocannon({
    ...opts, connections: users, duration: DURATION_S, timeout: REQUEST_TIMEOUT_S,
    ...(mode === 'paced' ? { connectionRate: 1 } : {}),
  }) as unknown as import('node:events').EventEmitter & Promise<autocannon.Result> & { stop: () => void };
  instance.on('response', (_c: unknown, status: number, _b: number, ms: number) => {
    times.push(ms);
    if (status >= 400) badStatus++;
    if (status === 302) redirects++;
  });
  let guard: NodeJS.Timeout | undefined;
  const result = await Promise.race([
    instance,
    new Promise<never>((_, reject) => {
      guard = setTimeout(() => { instance.stop(); reject(new Error(`${page} at ${users} users did not finish in time`)); }, (DURATION_S + 30) * 1000);
    }),
  ]).finally(() => clearTimeout(guard));
  times.sort((a, b) => a - b);
  const cpuPerRequest = times.length ? (cpuMs(pid) - cpuBefore) / times.length : NaN;
  return {
    cpuPerRequest,
    page, users, mode,
    perSecond: Math.round(result.requests.average),
    p50: percentile(times, 50), p95: percentile(times, 95), p99: percentile(times, 99),
    requests: times.length, badStatus, timeouts: result.timeouts, connectionErrors: result.errors - result.timeouts, redirects,
  };
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

export async function benchLoad(target: { env: Record<string, string> }): Promise<LoadFigures[]> {
  const db = target.env.DATABASE_URL
    ? knexFactory({ client: 'pg', connection: target.env.DATABASE_URL })
    : knexFactory({ client: 'better-sqlite3', connection: { filename: target.env.DATABASE_FILE }, useNullAsDefault: true });
  const email = 'bench-coordinator@bench.invalid';
  try {
    if (!(await db('users').where({ email }).first())) {
      await db('users').insert({ email, name: 'Bench coordinator', role: 'coordinator', password_hash: await hashPassword(PASSWORD), active: true, created_at: new Date().toISOString() });
    }
  } finally {
    await db.destroy();
  }
  const { child, base } = await startServer(target.env);
  const out: LoadFigures[] = [];
  try {
    const waited = await settle(child.pid!);
    const families = await (async () => {
      const d = target.env.DATABASE_URL
        ? knexFactory({ client: 'pg', connection: target.env.DATABASE_URL })
        : knexFactory({ client: 'better-sqlite3', connection: { filename: target.env.DATABASE_FILE }, useNullAsDefault: true });
      try {
        return (await d('families').select('id').orderBy('id').limit(200)).map((r) => r.id as number);
      } finally {
        await d.destroy();
      }
    })();
    console.log(`  page latency under load (autocannon on loopback, ${DURATION_S} s per run, after ${waited} s of server start-up work):`);
    const session = await signIn(base, email);
    const headers = { cookie: session.cookie };
    let n = 0;
    const pages: [string, autocannon.Options][] = [
      ['case list', { url: `${base}/cases`, headers }],
      ['family page', {
        url: base, headers,
        requests: [{ method: 'GET', setupRequest: (req: any) => ({ ...req, path: `/families/${families[n++ % families.length]}` }) }],
      }],
      ['form save', {
        url: `${base}/families`, method: 'POST', headers: { ...headers, 'content-type': 'application/x-www-form-urlencoded' },
        requests: [{
          method: 'POST',
          setupRequest: (req: any) => ({ ...req, body: newFamilyForm(session.csrf) }),
        }],
      }],
    ];
    for (const mode of ['paced', 'flat out'] as const) {
      for (const users of USERS) {
        for (const [page, opts] of pages) {
          const f = await measure(child.pid!, page, users, mode, opts);
          console.log(formatLoad(f));
          out.push(f);
        }
      }
    }
    console.log(`    server peak memory: ${peakMb(child.pid!)} MB`);
    return out;
  } finally {
    child.kill('SIGTERM');
  }
}
