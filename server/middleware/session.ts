import session from 'express-session';
import { ConnectSessionKnexStore } from 'connect-session-knex';
import type { Knex } from 'knex';
import type { Config } from '../config.js';

// Sessions live in the database so any app process can serve any request.
export function setUpSession(db: Knex, config: Config) {
  const store = new ConnectSessionKnexStore({
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

export async function sweepSessions(db: Knex): Promise<number> {
  return db('sessions').where('expired', '<', new Date()).delete();
}
