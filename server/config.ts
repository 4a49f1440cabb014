import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import net from 'node:net';
import path from 'node:path';
import { z } from 'zod';

const schema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().default('127.0.0.1'),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'DATABASE_URL must start with postgres:// or postgresql://')
    .optional(),
  DATABASE_FILE: z.string().default('data/fgc.sqlite'),
  SESSION_SECRET: z.string().min(32, 'SESSION_SECRET must be at least 32 characters').optional(),
  SESSION_IDLE_MINUTES: z.coerce.number().int().min(1).max(24 * 60).default(30),
  SECURE_COOKIES: z.enum(['true', 'false']).optional(),
  TRUST_PROXY: z.string().optional().transform((v, ctx) => {
    if (v === undefined || v.trim() === '') return undefined;
    const parsed = parseTrustProxy(v);
    if (typeof parsed === 'string') {
      ctx.addIssue({ code: 'custom', message: parsed });
      return z.NEVER;
    }
    return parsed.value;
  }),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  SIGN_IN_LOCKOUT_ATTEMPTS: z.coerce.number().int().min(1).default(5),
  SIGN_IN_LOCKOUT_MINUTES: z.coerce.number().int().min(1).default(15),
  WORKERS: z.union([z.literal('auto'), z.coerce.number().int().min(1).max(64)]).default(1),
});

export type Env = z.infer<typeof schema>;

export type TrustProxy = boolean | number | string[];

const PROXY_NAMES = ['loopback', 'linklocal', 'uniquelocal'];

/** An IPv4 netmask written out (255.255.255.0): ones then zeros. */
const isNetmask = (s: string) =>
  net.isIPv4(s) && /^1*0*$/.test(s.split('.').map((o) => Number(o).toString(2).padStart(8, '0')).join(''));

/**
 * TRUST_PROXY as Express documents 'trust proxy': true or false; a number of hops (1: the one
 * proxy in front of the app); or a comma-separated list of addresses (10.0.0.1, ::1), subnets
 * (10.0.0.0/8, 10.0.0.0/255.0.0.0, fc00::/7) and the names loopback, linklocal and uniquelocal.
 * Returns what the setting is, or a one-line message saying what is wrong.
 */
export function parseTrustProxy(raw: string): { value: TrustProxy } | string {
  const v = raw.trim();
  if (/^(true|false)$/i.test(v)) return { value: v.toLowerCase() === 'true' };
  if (/^\d+$/.test(v)) {
    const hops = Number(v);
    return Number.isSafeInteger(hops) ? { value: hops } : `"${v}" is too many hops`;
  }
  const entries = v.split(',').map((e) => e.trim());
  const wrong: string[] = [];
  for (const e of entries) {
    if (PROXY_NAMES.includes(e.toLowerCase()) || net.isIP(e)) continue;
    const m = /^([^/]+)\/(.+)$/.exec(e);
    if (m && net.isIP(m[1])) {
      const max = net.isIPv4(m[1]) ? 32 : 128;
      if (/^\d+$/.test(m[2]) && Number(m[2]) <= max) continue;
      if (net.isIPv4(m[1]) && isNetmask(m[2])) continue;
    }
    wrong.push(e === '' ? '(an empty entry)' : `"${e}"`);
  }
  if (wrong.length) {
    return `${wrong.join(', ')} is not true, false, a number of hops, an address, a subnet (10.0.0.0/8) or loopback, linklocal or uniquelocal (as Express's "trust proxy")`;
  }
  return { value: entries.map((e) => (PROXY_NAMES.includes(e.toLowerCase()) ? e.toLowerCase() : e)) };
}

export interface Config {
  env: Env['NODE_ENV'];
  port: number;
  host: string;
  databaseUrl?: string;
  databaseFile: string;
  sessionSecret: string;
  sessionIdleMinutes: number;
  secureCookies: boolean;
  /** Express 'trust proxy': true/false, a hop count, or addresses, subnets and names (parseTrustProxy) */
  trustProxy?: TrustProxy;
  logLevel: Env['LOG_LEVEL'];
  lockoutAttempts: number;
  lockoutMinutes: number;
  /** how long an insight page waits for figures including the latest change before showing the last ones worked out */
  /** app processes on this machine sharing the port (node:cluster); 1: the app runs in this process */
  workers: number;
}

export class ConfigError extends Error {}

/**
 * Reads configuration from the environment, failing fast with every problem listed.
 * Embedded mode needs no settings: the session secret is generated once and kept
 * beside the SQLite file so sessions survive restarts.
 */
export function loadConfig(source: NodeJS.ProcessEnv = process.env): Config {
  const parsed = schema.safeParse(source);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  if (e.NODE_ENV === 'production' && e.DATABASE_URL && !e.SESSION_SECRET) {
    throw new ConfigError('Invalid configuration:\n  SESSION_SECRET: required when DATABASE_URL is set in production');
  }
  return {
    env: e.NODE_ENV,
    port: e.PORT,
    host: e.HOST,
    databaseUrl: e.DATABASE_URL,
    databaseFile: e.DATABASE_FILE,
    sessionSecret: e.SESSION_SECRET ?? embeddedSecret(e.DATABASE_FILE),
    sessionIdleMinutes: e.SESSION_IDLE_MINUTES,
    secureCookies: e.SECURE_COOKIES ? e.SECURE_COOKIES === 'true' : e.NODE_ENV === 'production',
    trustProxy: e.TRUST_PROXY,
    logLevel: e.LOG_LEVEL,
    lockoutAttempts: e.SIGN_IN_LOCKOUT_ATTEMPTS,
    lockoutMinutes: e.SIGN_IN_LOCKOUT_MINUTES,
    workers: e.WORKERS === 'auto' ? os.availableParallelism() : e.WORKERS,
  };
}

function embeddedSecret(databaseFile: string): string {
  if (databaseFile === ':memory:') return crypto.randomBytes(32).toString('hex');
  const file = path.join(path.dirname(path.resolve(databaseFile)), '.session-secret');
  try {
    return fs.readFileSync(file, 'utf8').trim();
  } catch {
    const secret = crypto.randomBytes(32).toString('hex');
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, secret, { mode: 0o600 });
    return secret;
  }
}
