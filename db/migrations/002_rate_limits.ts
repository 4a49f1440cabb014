import type { Knex } from 'knex';

// Rate-limit counters live in the database so several app processes share them.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('rate_limits', (t) => {
    t.string('key', 200).primary();
    t.integer('hits').notNullable();
    t.bigInteger('reset_at').notNullable(); // epoch milliseconds
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('rate_limits');
}
