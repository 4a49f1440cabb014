// Page latency under load: the real server as its own process, driven by autocannon on
// loopback, bounded in time. Reports throughput, p50/p95/p99 and the server's peak memory.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import autocannon from 'autocannon';
import knexFactory from 'knex';
import { hashPassword } from '../server/auth/passwords.js';

const PASSWORD = 'benchmark password only';
const DURATION_S = Number(process.env.BENCH_LOAD_SECONDS ?? 10);

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

async function measure(title: string, connections: number, opts: autocannon.Options) {
  const times: number[] = [];
  let failed = 0; // a redirect after a save is success; 4xx and 5xx are not
  const instance = autocannon({ ...opts, connections, duration: DURATION_S }) as unknown as import('node:events').EventEmitter & Promise<autocannon.Result>;
  instance.on('response', (_c: unknown, status: number, _b: number, ms: number) => {
    times.push(ms);
    if (status >= 400) failed++;
  });
  const result = await instance;
  times.sort((a, b) => a - b);
  const errors = result.errors + result.timeouts + failed;
  console.log(`    ${title.padEnd(14)} ${String(connections).padStart(3)} users: ${Math.round(result.requests.average)} req/s, p50 ${percentile(times, 50).toFixed(1)} ms, p95 ${percentile(times, 95).toFixed(1)} ms, p99 ${percentile(times, 99).toFixed(1)} ms, ${result.requests.total} requests, ${errors} errors`);
}

export async function benchLoad(target: { env: Record<string, string> }) {
  const db = target.env.DATABASE_URL
    ? knexFactory({ client: 'pg', connection: target.env.DATABASE_URL })
    : knexFactory({ client: 'better-sqlite3', connection: { filename: target.env.DATABASE_FILE }, useNullAsDefault: true });
  const email = 'bench-coordinator@bench.invalid';
  if (!(await db('users').where({ email }).first())) {
    await db('users').insert({ email, name: 'Bench coordinator', role: 'coordinator', password_hash: await hashPassword(PASSWORD), active: true, created_at: new Date().toISOString() });
  }
  const families = (await db('families').select('id').orderBy('id').limit(200)).map((r) => r.id);
  await db.destroy();
  const { child, base } = await startServer(target.env);
  try {
    console.log(`  page latency under load (${DURATION_S} s each, autocannon on loopback):`);
    const session = await signIn(base, email);
    const headers = { cookie: session.cookie };
    let n = 0;
    for (const connections of [20, 100]) {
      await measure('case list', connections, { url: `${base}/cases`, headers });
      await measure('family page', connections, {
        url: base, headers,
        requests: [{ method: 'GET', setupRequest: (req: any) => ({ ...req, path: `/families/${families[n++ % families.length]}` }) }],
      });
      await measure('form save', connections, {
        url: `${base}/families`, method: 'POST', headers: { ...headers, 'content-type': 'application/x-www-form-urlencoded' },
        requests: [{
          method: 'POST',
          setupRequest: (req: any) => ({ ...req, body: new URLSearchParams({ _csrf: session.csrf, last_name: `Load${n++}`, 'date_of_birth-day': '1', 'date_of_birth-month': '2', 'date_of_birth-year': '2019' }).toString() }),
        }],
      });
    }
    console.log(`    server peak memory: ${peakMb(child.pid!)} MB`);
  } finally {
    child.kill('SIGTERM');
  }
}
