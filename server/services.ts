import type { Knex } from 'knex';
import type { Config } from './config.js';
import type { Logger } from './logger.js';
import { KnexRateLimitStore } from './middleware/rate-limit-store.js';
import type { Configuration } from 'openid-client';
import type { OidcSettings } from './auth/oidc.js';

// Everything a route needs, built once; tests build their own with a test database.
export interface Services {
  db: Knex;
  config: Config;
  logger: Logger;
  rateLimitStore: KnexRateLimitStore;
  /** single sign-on, when configured */
  oidc?: { settings: OidcSettings; configuration: Configuration };
}

export function createServices(db: Knex, config: Config, logger: Logger, oidc?: Services['oidc']): Services {
  return { db, config, logger, rateLimitStore: new KnexRateLimitStore(db), oidc };
}
