import type { Knex } from 'knex';
import { auditEvent } from '../audit/audit.js';
import { dummyHash, verifyPassword } from './passwords.js';
import { findUserForSignIn, isLocked, recordFailedSignIn, recordSignIn, type User } from './users.js';

// Sign-in that tells nothing. Whether the address has no account, the account is locked,
// deactivated or has no password yet, or the password is wrong, the person sees the same
// message after the same work: the password is always verified against an Argon2 hash (the
// account's, or a dummy one of the same cost), one failure is counted and one audit row written.

/** The password check sign-in uses, on an object so a test can watch every path call it. */
export const signInHashing = { verify: verifyPassword };

export interface SignInLimits {
  lockoutAttempts: number;
  lockoutMinutes: number;
}

/** The account, if the address and password sign in; otherwise null, whatever the reason. */
export async function checkSignIn(db: Knex, limits: SignInLimits, email: string, password: string): Promise<User | null> {
  const account = await findUserForSignIn(db, email);
  const matches = await signInHashing.verify(account?.password_hash ?? (await dummyHash()), password);
  const refusal = !account ? null : !account.active ? 'account deactivated' : !account.password_hash ? 'no password set' : isLocked(account) ? 'account locked' : null;
  if (account && !refusal && matches) {
    await recordSignIn(db, account.id);
    await auditEvent(db, account.id, 'sign-in', 'user');
    const { password_hash: _hash, ...user } = account;
    return user;
  }
  // Failed attempts count towards the lockout on an active account (while locked too, without
  // making the lock longer); the same statement runs, changing nothing, for any other address.
  await recordFailedSignIn(db, account?.active ? account.id : null, limits.lockoutAttempts, limits.lockoutMinutes);
  if (!account) await auditEvent(db, null, 'sign-in-failed', 'user', 'no account with that address');
  else if (refusal) await auditEvent(db, account.id, 'sign-in-refused', 'user', refusal);
  else await auditEvent(db, account.id, 'sign-in-failed', 'user');
  return null;
}
