import * as client from 'openid-client';
import { Strategy, type VerifyFunction } from 'openid-client/passport';
import type { AppPassport } from './app-passport.js';
import type { Knex } from 'knex';
import { z } from 'zod';
import { isRole, type Role } from './roles.js';
import { createUser, findUserForSignIn, normaliseEmail, updateUser } from './users.js';
import { auditEvent } from '../audit/audit.js';
import { accountEditChanges, needsReview, recordAccountChanges } from './account-audit.js';

// Single sign-on with Microsoft Entra ID or any OpenID Connect provider. Roles come from a
// claim (Entra app roles or groups) mapped onto ours; local accounts remain for break-glass
// administrators.

export interface OidcSettings {
  issuer: string;
  clientId: string;
  clientSecret: string;
  callbackUrl: string;
  roleClaim: string;
  /** claim value → our role, e.g. { 'FGC.Coordinator': 'coordinator' } */
  roleMap: Record<string, Role>;
  allowHttp: boolean;
  label: string;
}

const envSchema = z.object({
  OIDC_ISSUER: z.string().url(),
  OIDC_CLIENT_ID: z.string().min(1),
  OIDC_CLIENT_SECRET: z.string().min(1),
  OIDC_CALLBACK_URL: z.string().url(),
  OIDC_ROLE_CLAIM: z.string().default('roles'),
  OIDC_ROLE_MAP: z.string().min(1, 'OIDC_ROLE_MAP must map at least one claim value to a role'),
  OIDC_ALLOW_HTTP: z.enum(['true', 'false']).default('false'),
  OIDC_LABEL: z.string().default('Sign in with your council account'),
});

/** OIDC settings from the environment, or null when single sign-on is not configured. */
export function oidcSettingsFromEnv(env: NodeJS.ProcessEnv): OidcSettings | null {
  if (!env.OIDC_ISSUER) return null;
  const e = envSchema.safeParse(env);
  if (!e.success) throw new Error(`Invalid single sign-on configuration:\n${e.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`).join('\n')}`);
  return {
    issuer: e.data.OIDC_ISSUER,
    clientId: e.data.OIDC_CLIENT_ID,
    clientSecret: e.data.OIDC_CLIENT_SECRET,
    callbackUrl: e.data.OIDC_CALLBACK_URL,
    roleClaim: e.data.OIDC_ROLE_CLAIM,
    roleMap: parseRoleMap(e.data.OIDC_ROLE_MAP),
    allowHttp: e.data.OIDC_ALLOW_HTTP === 'true',
    label: e.data.OIDC_LABEL,
  };
}

/** "FGC.Coordinator=coordinator,FGC.Admin=admin" → map. Pure. */
export function parseRoleMap(s: string): Record<string, Role> {
  const map: Record<string, Role> = {};
  for (const pair of s.split(',').map((p) => p.trim()).filter(Boolean)) {
    const [claim, role] = pair.split('=').map((x) => x.trim());
    if (!claim || !isRole(role)) throw new Error(`OIDC_ROLE_MAP: "${pair}" must be CLAIM_VALUE=coordinator|manager|data_lead|admin`);
    map[claim] = role;
  }
  return map;
}

const RANK: Role[] = ['coordinator', 'manager', 'data_lead', 'admin'];

/** The highest of our roles that the claim values map to, or null. Pure. */
export function roleFromClaims(claims: Record<string, unknown>, settings: Pick<OidcSettings, 'roleClaim' | 'roleMap'>): Role | null {
  const raw = claims[settings.roleClaim];
  const values = Array.isArray(raw) ? raw.map(String) : typeof raw === 'string' ? raw.split(/[\s,]+/) : [];
  const roles = values.map((v) => settings.roleMap[v]).filter((r): r is Role => !!r);
  return roles.sort((a, b) => RANK.indexOf(b) - RANK.indexOf(a))[0] ?? null;
}

export async function discoverOidc(settings: OidcSettings): Promise<client.Configuration> {
  return client.discovery(new URL(settings.issuer), settings.clientId, settings.clientSecret, undefined,
    settings.allowHttp ? { execute: [client.allowInsecureRequests] } : undefined);
}

export function useOidcStrategy(passport: AppPassport, db: Knex, settings: OidcSettings, config: client.Configuration) {
  const verify: VerifyFunction = async (tokens, done) => {
    try {
      const claims = (tokens.claims() ?? {}) as Record<string, unknown>;
      const email = String(claims.email ?? claims.preferred_username ?? claims.upn ?? '');
      if (!email.includes('@')) return done(null, false, { message: 'no-email' });
      const role = roleFromClaims(claims, settings);
      let user = await findUserForSignIn(db, email);
      if (!role) {
        await auditEvent(db, user?.id ?? null, 'sign-in-refused', 'user', 'single sign-on: no role claim for this service');
        return done(null, false, { message: 'no-role' });
      }
      if (user && !user.active) return done(null, false, { message: 'inactive' });
      const name = String(claims.name ?? email);
      // Accounts made or changed by single sign-on go to the account audit like any other
      // (and one given case data waits for a data lead: server/auth/account-audit.ts).
      if (!user) {
        await db.transaction(async (trx) => {
          const id = await createUser(trx, { email, name, role, password: null });
          await recordAccountChanges(trx, [{ accountId: id, actorId: null, channel: 'single-sign-on', action: 'created', newValue: role, review: needsReview({ action: 'created', newValue: role }, role) }]);
        });
      } else if (user.role !== role) {
        await db.transaction(async (trx) => {
          await updateUser(trx, user!.id, { role });
          await recordAccountChanges(trx, accountEditChanges(user!, { ...user!, role }, { accountId: user!.id, actorId: null, channel: 'single-sign-on' }));
        });
      }
      user = (await findUserForSignIn(db, email))!;
      await auditEvent(db, user.id, 'sign-in', 'user', 'single sign-on');
      done(null, { id: user.id, email: normaliseEmail(email), name: user.name, role: user.role, team: user.team });
    } catch (err) {
      done(err as Error);
    }
  };
  passport.use('oidc', new Strategy({ config, callbackURL: settings.callbackUrl, scope: 'openid email profile', name: 'oidc', sessionKey: 'oidc' }, verify));
}
