import crypto from 'node:crypto';
import type { Knex } from 'knex';

// One-time links to set a password. An administrator never learns or chooses anyone's
// password: a new account, or a reset, gets a link that the administrator passes on, and the
// person sets their own password with it. The link carries 32 random bytes; only their
// SHA-256 hash is stored (a stolen copy of the table opens nothing), the link works once and
// for 72 hours, and issuing a new one withdraws the older ones.

export const LINK_HOURS = 72;
export type LinkPurpose = 'new-account' | 'reset';

const hashToken = (token: string) => crypto.createHash('sha256').update(token, 'utf8').digest('hex');

/** Whether a string could be a token we issued (43 base64url characters), before any lookup. */
export const looksLikeToken = (token: string) => /^[A-Za-z0-9_-]{43}$/.test(token);

/**
 * Makes a link for an account, withdrawing any earlier unused ones. Returns the token, which
 * exists only in the caller's hands from then on. Call inside the transaction that records it.
 */
export async function issuePasswordLink(
  db: Knex | Knex.Transaction,
  userId: number,
  purpose: LinkPurpose,
  createdBy: number | null,
  now = new Date(),
): Promise<{ token: string; expiresAt: string }> {
  const token = crypto.randomBytes(32).toString('base64url');
  const expiresAt = new Date(now.getTime() + LINK_HOURS * 3_600_000).toISOString();
  await withdrawPasswordLinks(db, userId, now);
  await db('password_links').insert({
    user_id: userId,
    token_hash: hashToken(token),
    purpose,
    created_by: createdBy,
    created_at: now.toISOString(),
    expires_at: expiresAt,
  });
  return { token, expiresAt };
}

/** Ends every unused link of an account (a newer link, a password change, a deactivation). */
export async function withdrawPasswordLinks(db: Knex | Knex.Transaction, userId: number, now = new Date()): Promise<void> {
  await db('password_links').where({ user_id: userId }).whereNull('used_at').update({ used_at: now.toISOString() });
}

export interface LinkAccount {
  linkId: number;
  purpose: LinkPurpose;
  userId: number;
  email: string;
  name: string;
  expiresAt: string;
}

/** The account a token opens, if the link is unused, unexpired and the account active; otherwise undefined (whatever the reason). */
export async function findPasswordLink(db: Knex | Knex.Transaction, token: string, now = new Date()): Promise<LinkAccount | undefined> {
  if (!looksLikeToken(token)) return undefined;
  const row = await db('password_links as l')
    .join('users as u', 'u.id', 'l.user_id')
    .where('l.token_hash', hashToken(token))
    .whereNull('l.used_at')
    .where('l.expires_at', '>', now.toISOString())
    .where('u.active', true)
    .select('l.id', 'l.purpose', 'l.expires_at', 'u.id as user_id', 'u.email', 'u.name')
    .first();
  return row && { linkId: row.id, purpose: row.purpose, userId: row.user_id, email: row.email, name: row.name, expiresAt: row.expires_at };
}

/**
 * Uses a link: true only for the one caller that marks it used while it is still unused and
 * unexpired (two people posting the same link at once: one succeeds).
 */
export async function consumePasswordLink(db: Knex | Knex.Transaction, linkId: number, now = new Date()): Promise<boolean> {
  const n = await db('password_links').where({ id: linkId }).whereNull('used_at').where('expires_at', '>', now.toISOString()).update({ used_at: now.toISOString() });
  return n === 1;
}

/** The address of the set-password page for a token, on the server the request came to. */
export function passwordLinkUrl(baseUrl: string, token: string): string {
  return `${baseUrl.replace(/\/+$/, '')}/set-password/${token}`;
}

/** A request path with any set-password token replaced, for logs (the request log, the error log). Pure. */
export function hideTokens(path: string): string {
  return path.replace(/^\/set-password\/[^/?#]+/, '/set-password/[token]');
}
