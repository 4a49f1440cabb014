import type passportModule from 'passport';

/** The app's own authenticator (see setUpPassport in passport.ts), typed apart so the strategies can take it without importing its set-up. */
export type AppPassport = InstanceType<typeof passportModule.Passport>;
