import session, { type SessionData } from 'express-session';
import { ConnectSessionKnexStore } from 'connect-session-knex';
import type { NextFunction, Request, Response } from 'express';
import type { Knex } from 'knex';
import type { Config } from '../config.js';
import { isPostgres } from '../../db/connection.js';
import { longWriteUnderWay, writesAllowed } from '../../db/long-write.js';

// Sessions live in the database so any app process can serve any request.
export function setUpSession(db: Knex, config: Config) {
  const store = new LazyTouchStore({
    knex: db,
    tableName: 'sessions',
    createTable: false,
    cleanupInterval: 0, // expired rows are swept by sweepSessions, not a timer in each process
  });
  return {
    store,
    middleware: session({
      name: 'fgc.sid',
      secret: config.sessionSecret,
      store,
      resave: false,
      saveUninitialized: false,
      rolling: true, // idle timeout: each request pushes expiry forward
      cookie: {
        httpOnly: true,
        sameSite: 'lax',
        secure: config.secureCookies,
        maxAge: config.sessionIdleMinutes * 60_000,
      },
    }),
  };
}

/** What a session holds, its cookie (the expiry, moved by every request) aside. */
const contentOf = (s: object | undefined) => JSON.stringify(s ?? null, (key, value) => (key === 'cookie' ? undefined : value));

/**
 * Middleware: a redirect made after the request changed the session (a confirmation to show, a
 * notice for the next step) is sent once the session is saved. express-session sends a
 * response's headers before it has saved the session, and a browser follows a redirect as soon
 * as it has them: on PostgreSQL, with several connections, the next page could read the session
 * before the change was in it.
 */
export function saveBeforeRedirect(req: Request, res: Response, next: NextFunction): void {
  const before = contentOf(req.session);
  const redirect = res.redirect.bind(res) as (...args: unknown[]) => void;
  res.redirect = ((...args: unknown[]) => {
    if (!req.session || contentOf(req.session) === before) return redirect(...args);
    req.session.save((err) => (err ? next(err) : redirect(...args)));
  }) as Response['redirect'];
  next();
}

/** A request moves the session's expiry forward only when it would move by more than this. */
export const TOUCH_STEP_MS = 60_000;

/**
 * Rolling expiry without a write on every request: reading a session also reads the expiry
 * stored for it, and touching it writes only when the new expiry is more than TOUCH_STEP_MS
 * later, so an idle session ends at most that much before the idle timeout. The stored
 * expiry is read from the database each request, so this holds with several processes.
 */
class LazyTouchStore extends ConnectSessionKnexStore {
  private readonly knex: Knex;
  /** the expiry each session had when this process last read it, until its request ends */
  private readonly storedExpiry = new Map<string, number>();

  constructor(options: ConstructorParameters<typeof ConnectSessionKnexStore>[0] & { knex: Knex }) {
    super(options);
    this.knex = options.knex;
  }

  override async get(sid: string, callback?: (err: unknown, session?: SessionData | null) => void) {
    try {
      const row = await this.knex('sessions').select('sess', 'expired').where({ sid }).andWhereRaw(this.unexpired, [this.now()]).first();
      let session = null;
      if (row) {
        session = typeof row.sess === 'string' ? JSON.parse(row.sess) : row.sess;
        if (this.storedExpiry.size > 10_000) this.storedExpiry.clear();
        this.storedExpiry.set(sid, new Date(row.expired).getTime());
      }
      callback?.(null, session);
      return session;
    } catch (err) {
      callback?.(err);
      throw err;
    }
  }

  override async touch(sid: string, session: SessionData, callback?: () => void) {
    const stored = this.storedExpiry.get(sid);
    this.storedExpiry.delete(sid);
    const next = session?.cookie?.expires ? new Date(session.cookie.expires).getTime() : NaN;
    if (stored !== undefined && next - stored <= TOUCH_STEP_MS) return callback?.();
    if (longWriteUnderWay(this.knex)) {
      // A large import is writing (SQLite: one writer at a time): the page is not held until it
      // has finished; the expiry is written then.
      writesAllowed(this.knex).then(() => super.touch(sid, session)).catch(() => undefined);
      return callback?.();
    }
    return super.touch(sid, session, callback);
  }

  override async set(sid: string, session: SessionData, callback?: (err?: unknown) => void) {
    this.storedExpiry.delete(sid);
    await writesAllowed(this.knex); // a page that changed its session, during a large import on SQLite
    return super.set(sid, session, callback);
  }

  override async destroy(sid: string, callback?: (err?: unknown) => void) {
    this.storedExpiry.delete(sid);
    return super.destroy(sid, callback);
  }

  /** the store's own test of an unexpired row */
  private get unexpired() {
    return isPostgres(this.knex) ? 'CAST(? as timestamp with time zone) <= expired' : 'datetime(?) <= datetime(expired)';
  }

  private now() {
    return new Date().toISOString();
  }
}

export async function sweepSessions(db: Knex): Promise<number> {
  await writesAllowed(db);
  return db('sessions').where('expired', '<', new Date()).delete();
}
