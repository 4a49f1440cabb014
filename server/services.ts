import type { Knex } from 'knex';
import type { Config } from './config.js';
import type { Logger } from './logger.js';
import { KnexRateLimitStore } from './middleware/rate-limit-store.js';

// Everything a route needs, built once; tests build their own with a test database.
export interface Services {
  db: Knex;
  config: Config;
  logger: Logger;
  rateLimitStore: KnexRateLimitStore;
}

export function createServices(db: Knex, config: Config, logger: Logger): Services {
  return { db, config, logger, rateLimitStore: new KnexRateLimitStore(db) };
}
