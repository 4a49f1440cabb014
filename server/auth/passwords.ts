import crypto from 'node:crypto';
import fs from 'node:fs';
import { hash, verify, Algorithm } from '@node-rs/argon2';

// Argon2id with OWASP's recommended minimum cost (19 MiB, 2 iterations).
const OPTIONS = { algorithm: Algorithm.Argon2id, memoryCost: 19456, timeCost: 2, parallelism: 1 };

export const MIN_PASSWORD_LENGTH = 12;
export const MAX_PASSWORD_LENGTH = 200;

export function hashPassword(password: string): Promise<string> {
  return hash(password, OPTIONS);
}

export async function verifyPassword(stored: string | null, password: string): Promise<boolean> {
  if (!stored) return false;
  try {
    return await verify(stored, password);
  } catch {
    return false;
  }
}

let dummy: Promise<string> | undefined;

/**
 * A hash of a random password nobody knows, made once per process with the same cost as real
 * ones: sign-in verifies against it when the address has no account (or no password), so that
 * takes as long as a wrong password on a real account.
 */
export function dummyHash(): Promise<string> {
  dummy ??= hashPassword(crypto.randomBytes(32).toString('hex'));
  return dummy;
}

export function generatePassword(): string {
  return crypto.randomBytes(18).toString('base64url');
}

let common: ReadonlySet<string> | undefined;

/** How a password is compared with the list: lower case, no spaces ("Password 1234" is "password1234"). */
const commonForm = (password: string) => password.toLowerCase().replace(/\s+/g, '');

/**
 * Whether the password is on the list of common passwords shipped in common-passwords.txt
 * (read once, from this folder: nothing is fetched at run time).
 */
export function isCommonPassword(password: string): boolean {
  common ??= new Set(
    fs.readFileSync(new URL('./common-passwords.txt', import.meta.url), 'utf8')
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l && !l.startsWith('#')),
  );
  return common.has(commonForm(password));
}

/** What is wrong with a new password, as a GOV.UK error message, or null. `email`: the account's, which the password must not be. */
export function passwordProblem(password: string, email?: string): string | null {
  if (!password) return 'Enter a password';
  if (password.length < MIN_PASSWORD_LENGTH) return `Password must be ${MIN_PASSWORD_LENGTH} characters or more`;
  if (password.length > MAX_PASSWORD_LENGTH) return `Password must be ${MAX_PASSWORD_LENGTH} characters or fewer`;
  if (isCommonPassword(password)) return 'Password is too common and easy to guess. Choose a different one, like 3 or more random words';
  if (email && commonForm(password) === commonForm(email)) return 'Password must not be your email address';
  return null;
}
