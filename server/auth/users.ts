import type { Knex } from 'knex';
import type { Role } from './roles.js';
import { hashPassword } from './passwords.js';
import { perRequest } from '../common/per-request.js';

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
  /** when the password was last set or changed: sessions signed in before then are ended */
  password_changed_at: string | null;
}

const COLUMNS = ['id', 'email', 'name', 'role', 'team', 'active', 'failed_attempts', 'locked_until', 'last_sign_in_at', 'password_changed_at'];

const toUser = (r: Omit<User, 'active'> & { active: unknown }): User => ({ ...r, active: !!r.active });

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

export interface AccountListing extends User {
  /** whether a password is set (never the password or its hash) */
  has_password: boolean;
  /** when the newest unused set-password link expires, if one is waiting */
  link_expires_at: string | null;
}

/** Every account for the administrators' list: whether it has a password, and any set-password link still waiting. */
export async function listAccounts(db: Knex, now = new Date()): Promise<AccountListing[]> {
  const links = db('password_links').whereNull('used_at').where('expires_at', '>', now.toISOString()).groupBy('user_id').select('user_id').max({ expires_at: 'expires_at' }).as('l');
  const rows = await db('users as u')
    .leftJoin(links, 'l.user_id', 'u.id')
    .select(COLUMNS.map((c) => `u.${c}`))
    .select(db.raw('case when u.password_hash is null then 0 else 1 end as has_password'), 'l.expires_at as link_expires_at')
    .orderBy([{ column: 'u.active', order: 'desc' }, 'u.name', 'u.id']);
  return (rows as (User & { has_password: unknown; link_expires_at: string | null })[])
    .map((r) => ({ ...toUser(r), has_password: Number(r.has_password) === 1, link_expires_at: r.link_expires_at ?? null }));
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

/** Every user, read once per request: the sign-in check and the coordinators' names share one query. */
export const currentUsers: (db: Knex, req: object) => Promise<UserDirectory> = perRequest(loadUserDirectory);

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

/** Sets an account's password (from the hash: hash before a transaction, so it holds no lock for that long) and unlocks it. */
export async function setPasswordHash(db: Knex, id: number, passwordHash: string) {
  await db('users').where({ id }).update({ password_hash: passwordHash, failed_attempts: 0, locked_until: null, password_changed_at: new Date().toISOString() });
}

export async function setPassword(db: Knex, id: number, password: string) {
  await setPasswordHash(db, id, await hashPassword(password));
}

/**
 * Counts a failed sign-in against an account and locks it after `maxAttempts` (for
 * `lockMinutes`; an attempt while it is locked does not make the lock longer). One statement
 * whatever the account's state: with `id` null (no such account) it runs and changes nothing,
 * so a failure costs the same whether or not the address has an account.
 */
export async function recordFailedSignIn(db: Knex, id: number | null, maxAttempts: number, lockMinutes: number) {
  const now = new Date();
  const until = new Date(now.getTime() + lockMinutes * 60_000).toISOString();
  await db('users')
    .where({ id: id ?? 0 })
    .update({
      failed_attempts: db.raw('failed_attempts + 1'),
      locked_until: db.raw('case when failed_attempts + 1 >= ? and (locked_until is null or locked_until <= ?) then ? else locked_until end', [maxAttempts, now.toISOString(), until]),
    });
}

export async function recordSignIn(db: Knex, id: number) {
  await db('users').where({ id }).update({ failed_attempts: 0, locked_until: null, last_sign_in_at: new Date().toISOString() });
}

export function isLocked(u: Pick<User, 'locked_until'>, now = new Date()): boolean {
  return !!u.locked_until && u.locked_until > now.toISOString();
}
