import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import type { TestDb } from './db.js';
import { envFor } from './processes.js';

const run = promisify(execFile);
const TSX = path.resolve('node_modules/.bin/tsx');

export interface ScriptResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs one of the project's scripts (as `npm run …` would) against a test database; a failing exit is a result, not a throw. */
export async function runScript(tdb: TestDb, script: string, args: string[]): Promise<ScriptResult> {
  const env = { ...envFor(tdb), SESSION_SECRET: 'x'.repeat(40), LOG_LEVEL: 'silent' };
  try {
    const r = await run(TSX, [script, ...args], { env, timeout: 100_000 });
    return { code: 0, ...r };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}
