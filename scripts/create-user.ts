// npm run create-user -- --email a@b.gov.uk --name "A Person" [--role admin] [--team T]
// The password is read from standard input when piped, or generated and printed once. This is
// the server operator's tool (for the first administrator, or break-glass): in the app an
// administrator never sees or sets a password, and gives a one-time link instead. The new
// account goes to the account audit (channel command-line), and one with case data waits for a
// data lead to acknowledge it, as one made in the app does.
import { parseArgs } from 'node:util';
import { runMain, withDatabase } from './cli.js';
import { createUser } from '../server/auth/users.js';
import { generatePassword, passwordProblem } from '../server/auth/passwords.js';
import { isRole, type Role } from '../server/auth/roles.js';
import { auditEvent } from '../server/audit/audit.js';
import { needsReview, recordAccountChanges } from '../server/auth/account-audit.js';

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
  const problem = passwordProblem(password, values.email);
  if (problem) throw new Error(problem);
  const { email, name, role, team } = values as { email: string; name: string; role: Role; team?: string };
  await withDatabase(async (db) => {
    if (await db('users').where({ email: email.trim().toLowerCase() }).first()) throw new Error(`A user with email ${values.email} already exists`);
    await db.transaction(async (trx) => {
      const id = await createUser(trx, { email, name, role, team: team ?? null, password });
      await auditEvent(trx, null, 'create-user-cli', 'user', `user ${id} (${values.role})`);
      await recordAccountChanges(trx, [{ accountId: id, actorId: null, channel: 'command-line', action: 'created', newValue: role, review: needsReview({ action: 'created', newValue: role }, role) }]);
    });
    console.log(`Created ${values.role} ${values.email}`);
    if (!piped) console.log(`Password (shown once): ${password}`);
  });
}

runMain(main);
