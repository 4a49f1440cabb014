import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
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
  TRUST_PROXY: z.string().optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  SIGN_IN_LOCKOUT_ATTEMPTS: z.coerce.number().int().min(1).default(5),
  SIGN_IN_LOCKOUT_MINUTES: z.coerce.number().int().min(1).default(15),
  INSIGHT_STALE_AFTER_MS: z.coerce.number().int().min(0).max(60_000).default(150),
  WORKERS: z.union([z.literal('auto'), z.coerce.number().int().min(1).max(64)]).default(1),
  DATABASE_PREPARED_STATEMENTS: z.enum(['true', 'false']).default('true'),
});

export type Env = z.infer<typeof schema>;

export interface Config {
  env: Env['NODE_ENV'];
  port: number;
  host: string;
  databaseUrl?: string;
  databaseFile: string;
  sessionSecret: string;
  sessionIdleMinutes: number;
  secureCookies: boolean;
  trustProxy?: string;
  logLevel: Env['LOG_LEVEL'];
  lockoutAttempts: number;
  lockoutMinutes: number;
  /** how long an insight page waits for figures including the latest change before showing the last ones worked out */
  insightStaleAfterMs: number;
  /** app processes on this machine sharing the port (node:cluster); 1: the app runs in this process */
  workers: number;
  /** PostgreSQL: run the pages' lookups as prepared statements (db/prepared-statements.ts) */
  preparedStatements: boolean;
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
    insightStaleAfterMs: e.INSIGHT_STALE_AFTER_MS,
    workers: e.WORKERS === 'auto' ? os.availableParallelism() : e.WORKERS,
    preparedStatements: e.DATABASE_PREPARED_STATEMENTS === 'true',
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
