import type { Request } from 'express';
import passportModule from 'passport';
import { Strategy as LocalStrategy } from 'passport-local';
import type { Services } from '../services.js';
import { useOidcStrategy } from './oidc.js';
import { currentUsers, type User } from './users.js';
import type { Role } from './roles.js';
import { dummyHash } from './passwords.js';
import { checkSignIn } from './sign-in.js';
import type { AppPassport } from './app-passport.js';

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    interface User {
      id: number;
      email: string;
      name: string;
      role: Role;
      team: string | null;
    }
  }
}


/**
 * The app's own authenticator, so its strategies and session lookups use this app's
 * database. (Passport's default instance is shared by every app in the process: a second
 * app would have sent the first one's sign-ins to its own database.)
 */
export function setUpPassport({ db, config, oidc }: Services): AppPassport {
  const passport = new passportModule.Passport();
  dummyHash().catch(() => undefined); // made now, so the first unknown address takes no longer than the rest
  passport.use(
    new LocalStrategy({ usernameField: 'email', passwordField: 'password' }, async (email, password, done) => {
      try {
        const user = await checkSignIn(db, config, email, password);
        // One answer for every failure: no account, locked, deactivated, no password, wrong password.
        return user ? done(null, publicUser(user)) : done(null, false, { message: 'invalid' });
      } catch (err) {
        return done(err);
      }
    }),
  );
  if (oidc) useOidcStrategy(passport, db, oidc.settings, oidc.configuration);
  // The session keeps who signed in and when, so a password changed since ends it.
  passport.serializeUser((user, done) => done(null, { id: user.id, at: new Date().toISOString() }));
  passport.deserializeUser(async (req: Request, stored: number | { id: number; at?: string }, done: (err: unknown, user?: Express.User | false) => void) => {
    try {
      const id = typeof stored === 'number' ? stored : Number(stored?.id);
      const signedInAt = typeof stored === 'object' && typeof stored?.at === 'string' ? stored.at : '';
      const user = (await currentUsers(db, req)).byId.get(id);
      // A deactivated user's open sessions stop working at once (the next request anywhere sees
      // the change), and so does a session signed in before the password was last changed.
      const current = !!user && user.active && (!user.password_changed_at || signedInAt >= user.password_changed_at);
      done(null, current ? publicUser(user!) : false);
    } catch (err) {
      done(err);
    }
  });
  return passport;
}

const publicUser = (u: User): Express.User => ({ id: u.id, email: u.email, name: u.name, role: u.role, team: u.team });
