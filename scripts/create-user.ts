// npm run create-user -- --email a@b.gov.uk --name "A Person" [--role admin] [--team T]
// The password is read from standard input when piped, or generated and printed once.
import { parseArgs } from 'node:util';
import { runMain, withDatabase } from './cli.js';
import { createUser } from '../server/auth/users.js';
import { generatePassword, passwordProblem } from '../server/auth/passwords.js';
import { isRole, type Role } from '../server/auth/roles.js';
import { auditEvent } from '../server/audit/audit.js';

async function readStdin(): Promise<string> {
  if (process.stdin.isTTY) return '';
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8').split(/\r?\n/)[0] ?? '';
}

async function main() {
  const { values } = parseArgs({
    options: { email: { type: 'string' }, name: { type: 'string' }, role: { type: 'string', default: 'admin' }, team: { type: 'string' } },
  });
  if (!values.email || !values.name) throw new Error('Usage: npm run create-user -- --email EMAIL --name "FULL NAME" [--role admin|data_lead|manager|coordinator] [--team TEAM]');
  if (!isRole(values.role)) throw new Error(`Role must be one of admin, data_lead, manager, coordinator`);
  const piped = await readStdin();
  const password = piped || generatePassword();
  const problem = passwordProblem(password);
  if (problem) throw new Error(problem);
  const { email, name, role, team } = values as { email: string; name: string; role: Role; team?: string };
  await withDatabase(async (db) => {
    if (await db('users').where({ email: email.trim().toLowerCase() }).first()) throw new Error(`A user with email ${values.email} already exists`);
    const id = await createUser(db, { email, name, role, team: team ?? null, password });
    await auditEvent(db, null, 'create-user-cli', 'user', `user ${id} (${values.role})`);
    console.log(`Created ${values.role} ${values.email}`);
    if (!piped) console.log(`Password (shown once): ${password}`);
  });
}

runMain(main);
