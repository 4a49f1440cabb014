import { spawn, type ChildProcess } from 'node:child_process';
import type { TestDb } from './db.js';

export interface AppProcess {
  child: ChildProcess;
  baseUrl: string;
  output: () => string;
  exited: Promise<number | null>;
}

/** This process's environment pointed at the test database (DATABASE_URL removed for a SQLite file). */
export function envFor(tdb: TestDb): NodeJS.ProcessEnv {
  const { DATABASE_URL: _url, DATABASE_FILE: _file, ...rest } = process.env;
  return tdb.options.databaseUrl ? { ...rest, DATABASE_URL: tdb.options.databaseUrl } : { ...rest, DATABASE_FILE: tdb.options.sqliteFile! };
}

/** Starts the real server (npm start's entry point) as its own process on a free port. */
export async function startAppProcess(tdb: TestDb, env: Record<string, string> = {}): Promise<AppProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/index.ts'], {
    env: {
      ...envFor(tdb),
      PORT: '0',
      HOST: '127.0.0.1',
      NODE_ENV: 'test',
      SESSION_SECRET: 'a shared secret for every process of this test run',
      LOG_LEVEL: 'info',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const baseUrl = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${out}`)), 30_000);
    const check = () => {
      const m = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    };
    child.stdout!.on('data', check);
    child.on('exit', () => reject(new Error(`server exited:\n${out}`)));
  });
  return { child, baseUrl, output: () => out, exited };
}

/** A tiny cookie-keeping HTTP client for talking to separate processes. */
export class Browserless {
  cookie = '';
  async request(url: string, init: RequestInit = {}): Promise<Response> {
    const res = await fetch(url, { ...init, redirect: 'manual', headers: { ...(init.headers as object), cookie: this.cookie } });
    const set = res.headers.getSetCookie?.() ?? [];
    for (const c of set) {
      const [pair] = c.split(';');
      if (pair.startsWith('fgc.sid=')) this.cookie = pair;
    }
    return res;
  }
  async csrf(url: string): Promise<string> {
    const html = await (await this.request(url)).text();
    const m = /name="_csrf" value="([^"]+)"/.exec(html);
    if (!m) throw new Error(`no CSRF token at ${url}`);
    return m[1];
  }
  form(url: string, body: Record<string, string>) {
    return this.request(url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(body).toString() });
  }
  /** Signs in through the sign-in form; the status of the answer (302 when signed in). */
  async signIn(baseUrl: string, email: string, password: string): Promise<number> {
    const token = await this.csrf(`${baseUrl}/sign-in`);
    return (await this.form(`${baseUrl}/sign-in`, { _csrf: token, email, password })).status;
  }
}
