import type { Knex } from 'knex';
import type { Role } from './roles.js';
import { hashPassword } from './passwords.js';
import { keptPerRequest } from '../common/change-markers.js';

export interface User {
  id: number;
  email: string;
  name: string;
  role: Role;
  team: string | null;
  active: boolean;
  failed_attempts: number;
  locked_until: string | null;
  last_sign_in_at: string | null;
}

const COLUMNS = ['id', 'email', 'name', 'role', 'team', 'active', 'failed_attempts', 'locked_until', 'last_sign_in_at'];

const toUser = (r: any): User => ({ ...r, active: !!r.active });

export const normaliseEmail = (email: string) => email.trim().toLowerCase();

export async function findUserById(db: Knex, id: number): Promise<User | undefined> {
  const r = await db('users').select(COLUMNS).where({ id }).first();
  return r && toUser(r);
}

export async function findUserForSignIn(db: Knex, email: string) {
  const r = await db('users').select([...COLUMNS, 'password_hash']).where({ email: normaliseEmail(email) }).first();
  return r && { ...toUser(r), password_hash: r.password_hash as string | null };
}

export async function listUsers(db: Knex): Promise<User[]> {
  return (await db('users').select(COLUMNS).orderBy([{ column: 'active', order: 'desc' }, 'name'])).map(toUser);
}

export interface UserDirectory {
  /** every user, active or not */
  byId: ReadonlyMap<number, User>;
  /** active users who may coordinate an FGC (everyone but administrators), by name */
  coordinators: readonly Pick<User, 'id' | 'name' | 'team'>[];
}

async function loadUserDirectory(db: Knex): Promise<UserDirectory> {
  const users = (await db('users').select(COLUMNS).orderBy(['name', 'id'])).map(toUser);
  return {
    byId: new Map(users.map((u) => [u.id, u])),
    coordinators: users.filter((u) => u.active && u.role !== 'admin').map(({ id, name, team }) => ({ id, name, team })),
  };
}

/**
 * Every user, kept in memory until the users table changes (in any process: see
 * change-markers.ts), so a request's sign-in check and the coordinators' names need no
 * query of their own. A change of role, a deactivation or a sign-in changes the table, so
 * the next request anywhere sees it. Read-only: shared by every request.
 */
export const currentUsers: (db: Knex, req: object) => Promise<UserDirectory> = keptPerRequest('users', loadUserDirectory);

export async function countUsers(db: Knex): Promise<number> {
  const r = await db('users').count({ n: '*' }).first();
  return Number(r?.n ?? 0);
}

export async function createUser(
  db: Knex,
  u: { email: string; name: string; role: Role; team?: string | null; password: string | null },
): Promise<number> {
  const [row] = await db('users')
    .insert({
      email: normaliseEmail(u.email),
      name: u.name.trim(),
      role: u.role,
      team: u.team || null,
      password_hash: u.password ? await hashPassword(u.password) : null,
      active: true,
      created_at: new Date().toISOString(),
    })
    .returning('id');
  return typeof row === 'object' ? row.id : row;
}

export async function updateUser(db: Knex, id: number, changes: Partial<Pick<User, 'role' | 'team' | 'active' | 'name'>>) {
  await db('users').where({ id }).update(changes);
}

export async function setPassword(db: Knex, id: number, password: string) {
  await db('users').where({ id }).update({ password_hash: await hashPassword(password), failed_attempts: 0, locked_until: null });
}

export async function recordFailedSignIn(db: Knex, id: number, maxAttempts: number, lockMinutes: number) {
  await db.transaction(async (trx) => {
    const u = await trx('users').select('failed_attempts').where({ id }).first();
    const attempts = (u?.failed_attempts ?? 0) + 1;
    const locked_until = attempts >= maxAttempts ? new Date(Date.now() + lockMinutes * 60_000).toISOString() : null;
    await trx('users').where({ id }).update({ failed_attempts: attempts, ...(locked_until ? { locked_until } : {}) });
  });
}

export async function recordSignIn(db: Knex, id: number) {
  await db('users').where({ id }).update({ failed_attempts: 0, locked_until: null, last_sign_in_at: new Date().toISOString() });
}

export function isLocked(u: Pick<User, 'locked_until'>, now = new Date()): boolean {
  return !!u.locked_until && u.locked_until > now.toISOString();
}
