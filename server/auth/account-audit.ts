import type { Knex } from 'knex';
import { ROLES, ROLE_LABELS, can, isRole, type Permission, type Role } from './roles.js';

// The account audit: every change to an account, who made it and through what, in the table
// account_audit (migration 012), read by managers and data leads on the Account changes page.
// An administrator looks after accounts but must not be able to give anyone (another account
// of their own, say) access to children's case data unseen: a change that gives an account
// access to case data it did not have waits for a data lead to acknowledge it, and shows on
// the data leads' home page until one does.

export type AccountAction =
  | 'created'
  | 'role-changed'
  | 'team-changed'
  | 'deactivated'
  | 'reactivated'
  | 'link-issued'
  | 'password-set'
  | 'password-changed';

/** How the change was made: a signed-in person in the app, the first-run page, `npm run create-user`, or single sign-on. */
export type AccountChannel = 'web' | 'first-run' | 'command-line' | 'single-sign-on';

export interface AccountChange {
  accountId: number;
  actorId: number | null;
  channel: AccountChannel;
  action: AccountAction;
  oldValue?: string | null;
  newValue?: string | null;
  /** true: a data lead must acknowledge it (see needsReview) */
  review?: boolean;
}

const CASE_PERMISSIONS: Permission[] = ['cases', 'insight', 'returns'];

/** The case-data permissions `to` has that `from` did not (none when `from` had them all, or `to` is not a role). Pure. */
export function caseAccessGained(from: string | null, to: string | null): Permission[] {
  if (!isRole(to)) return [];
  return CASE_PERMISSIONS.filter((p) => can(to, p) && !can(from ?? undefined, p));
}

/** The roles that see case data: coordinator, manager, data lead. */
export const CASE_DATA_ROLES: Role[] = ROLES.filter((r) => can(r, 'cases'));

/**
 * Whether a change needs a data lead's acknowledgement: it gives the account case data it could
 * not see before (created with, or moved to, a role that sees more; reactivated with such a
 * role), or it issues a link to reset the password of an account that sees case data (whoever
 * uses the link can sign in as that person). Pure.
 */
export function needsReview(change: { action: AccountAction; oldValue?: string | null; newValue?: string | null }, role: string): boolean {
  switch (change.action) {
    case 'created':
      return caseAccessGained(null, change.newValue ?? null).length > 0;
    case 'role-changed':
      return caseAccessGained(change.oldValue ?? null, change.newValue ?? null).length > 0;
    case 'reactivated':
      return caseAccessGained(null, role).length > 0;
    case 'link-issued':
      return change.newValue === 'reset' && caseAccessGained(null, role).length > 0;
    default:
      return false;
  }
}

/** Writes account changes, in the caller's transaction so they commit with the change itself. */
export async function recordAccountChanges(db: Knex | Knex.Transaction, changes: AccountChange[], now = new Date()): Promise<void> {
  if (!changes.length) return;
  await db('account_audit').insert(
    changes.map((c) => ({
      at: now.toISOString(),
      account_id: c.accountId,
      actor_id: c.actorId,
      channel: c.channel,
      action: c.action,
      old_value: c.oldValue ?? null,
      new_value: c.newValue ?? null,
      review_state: c.review ? 'pending' : null,
    })),
  );
}

/** The changes one edit of an account makes (role, team, active), each with whether it needs review. Pure. */
export function accountEditChanges(
  before: { role: string; team: string | null; active: boolean },
  after: { role: string; team: string | null; active: boolean },
  ids: { accountId: number; actorId: number | null; channel: AccountChannel },
): AccountChange[] {
  const out: AccountChange[] = [];
  const add = (action: AccountAction, oldValue: string | null, newValue: string | null) =>
    out.push({ ...ids, action, oldValue, newValue, review: needsReview({ action, oldValue, newValue }, after.role) });
  if (before.role !== after.role) add('role-changed', before.role, after.role);
  if ((before.team ?? '') !== (after.team ?? '')) add('team-changed', before.team || null, after.team || null);
  if (before.active !== after.active) add(after.active ? 'reactivated' : 'deactivated', null, null);
  // Moving a deactivated account to a role with case data, while reactivating it, is reviewed once.
  if (out.some((c) => c.action === 'role-changed' && c.review)) for (const c of out) if (c.action === 'reactivated') c.review = false;
  return out;
}

export interface AccountAuditRow {
  id: number;
  at: string;
  action: AccountAction;
  old_value: string | null;
  new_value: string | null;
  channel: AccountChannel;
  review_state: 'pending' | 'acknowledged' | null;
  reviewed_at: string | null;
  account_id: number;
  account_name: string;
  account_email: string;
  actor_id: number | null;
  actor_name: string | null;
  reviewer_name: string | null;
}

const rowsQuery = (db: Knex) =>
  db('account_audit as a')
    .join('users as u', 'u.id', 'a.account_id')
    .leftJoin('users as b', 'b.id', 'a.actor_id')
    .leftJoin('users as r', 'r.id', 'a.reviewed_by')
    .select(
      'a.id', 'a.at', 'a.action', 'a.old_value', 'a.new_value', 'a.channel', 'a.review_state', 'a.reviewed_at', 'a.account_id', 'a.actor_id',
      'u.name as account_name', 'u.email as account_email', 'b.name as actor_name', 'r.name as reviewer_name',
    );

export const AUDIT_PAGE_SIZE = 50;

/** One page of the account audit, newest first, and how many rows there are in all. */
export async function listAccountChanges(db: Knex, page: number): Promise<{ rows: AccountAuditRow[]; total: number }> {
  const [{ n }] = await db('account_audit').count({ n: '*' });
  const rows = await rowsQuery(db).orderBy('a.id', 'desc').limit(AUDIT_PAGE_SIZE).offset((page - 1) * AUDIT_PAGE_SIZE);
  return { rows, total: Number(n) };
}

/**
 * The changes waiting for a data lead, oldest first; with a reader, leaving out those to the
 * reader's own account: nobody acknowledges their own access (another data lead does).
 */
export async function pendingReviews(db: Knex, readerId: number | null): Promise<AccountAuditRow[]> {
  const q = rowsQuery(db).where('a.review_state', 'pending').orderBy('a.id');
  return readerId === null ? q : q.whereNot('a.account_id', readerId);
}

/** How many changes wait for any data lead (own accounts included). */
export async function countPendingReviews(db: Knex): Promise<number> {
  const r = await db('account_audit').where({ review_state: 'pending' }).count({ n: '*' }).first();
  return Number(r?.n ?? 0);
}

/** Acknowledges the given waiting changes (not the reader's own account's); returns how many. */
export async function acknowledgeReviews(db: Knex, readerId: number, ids: number[], now = new Date()): Promise<number> {
  if (!ids.length) return 0;
  return db('account_audit')
    .whereIn('id', ids)
    .where({ review_state: 'pending' })
    .whereNot('account_id', readerId)
    .update({ review_state: 'acknowledged', reviewed_by: readerId, reviewed_at: now.toISOString() });
}

const roleLabel = (r: string | null) => (r && isRole(r) ? ROLE_LABELS[r] : r ?? 'none');

/** The change in words, for the Account changes page and the data leads' notice. Pure. */
export function describeChange(row: Pick<AccountAuditRow, 'action' | 'old_value' | 'new_value'>): string {
  switch (row.action) {
    case 'created':
      return `Account created: ${roleLabel(row.new_value)}`;
    case 'role-changed':
      return `Role changed from ${roleLabel(row.old_value)} to ${roleLabel(row.new_value)}`;
    case 'team-changed':
      return `Team changed from ${row.old_value ?? 'none'} to ${row.new_value ?? 'none'}`;
    case 'deactivated':
      return 'Account deactivated';
    case 'reactivated':
      return 'Account reactivated';
    case 'link-issued':
      return row.new_value === 'reset' ? 'Link to set a new password issued' : 'Link to set a first password issued';
    case 'password-set':
      return 'Password set with a one-time link';
    case 'password-changed':
      return 'Password changed by the person';
    default:
      return String(row.action);
  }
}

/** Who made the change, in words. Pure. */
export function describeActor(row: Pick<AccountAuditRow, 'channel' | 'actor_id' | 'actor_name' | 'account_id'>): string {
  if (row.channel === 'command-line') return 'Server operator (npm run create-user)';
  if (row.channel === 'single-sign-on') return 'Single sign-on (the council’s identity provider)';
  if (row.channel === 'first-run') return `${row.actor_name ?? 'Unknown'} (first-run page)`;
  if (row.actor_id === row.account_id) return `${row.actor_name ?? 'Unknown'} (themselves)`;
  return row.actor_name ?? 'Unknown';
}

const WHEN = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/London', day: 'numeric', month: 'long', year: 'numeric', hour: '2-digit', minute: '2-digit', hour12: false });

/** "5 December 2026 at 14:03", UK time, for an ISO timestamp. Pure. */
export function formatWhen(iso: string | null): string {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  const parts = Object.fromEntries(WHEN.formatToParts(d).map((p) => [p.type, p.value]));
  return `${parts.day} ${parts.month} ${parts.year} at ${parts.hour}:${parts.minute}`;
}
