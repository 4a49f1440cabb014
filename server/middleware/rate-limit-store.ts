import type { Knex } from 'knex';
import type { ClientRateLimitInfo, Options, Store } from 'express-rate-limit';

/** express-rate-limit store kept in the rate_limits table (shared by every process). */
export class KnexRateLimitStore implements Store {
  private windowMs = 60_000;
  prefix = 'rl:';
  localKeys = false;

  constructor(private db: Knex) {}

  init(options: Options) {
    this.windowMs = options.windowMs;
  }

  async get(key: string): Promise<ClientRateLimitInfo | undefined> {
    const row = await this.db('rate_limits').where({ key: this.prefix + key }).first();
    if (!row || Number(row.reset_at) <= Date.now()) return undefined;
    return { totalHits: row.hits, resetTime: new Date(Number(row.reset_at)) };
  }

  async increment(key: string): Promise<ClientRateLimitInfo> {
    const k = this.prefix + key;
    const now = Date.now();
    return this.db.transaction(async (trx) => {
      const row = await trx('rate_limits').where({ key: k }).forUpdate().first();
      if (!row || Number(row.reset_at) <= now) {
        const reset = now + this.windowMs;
        await trx('rate_limits').insert({ key: k, hits: 1, reset_at: reset }).onConflict('key').merge();
        return { totalHits: 1, resetTime: new Date(reset) };
      }
      await trx('rate_limits').where({ key: k }).update({ hits: row.hits + 1 });
      return { totalHits: row.hits + 1, resetTime: new Date(Number(row.reset_at)) };
    });
  }

  async decrement(key: string): Promise<void> {
    await this.db('rate_limits').where({ key: this.prefix + key }).where('hits', '>', 0).decrement('hits', 1);
  }

  async resetKey(key: string): Promise<void> {
    await this.db('rate_limits').where({ key: this.prefix + key }).delete();
  }
}
