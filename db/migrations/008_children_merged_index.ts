import type { Knex } from 'knex';

// The merged child records (few among 200,000 children), which the insight pages read to count
// each child once: a partial index finds them without reading every child.
export async function up(knex: Knex): Promise<void> {
  await knex.raw('create index children_merged_into_index on children (merged_into_id) where merged_into_id is not null');
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop index children_merged_into_index');
}
