import type { Knex } from 'knex';

// The duplicate CMS id check groups every live child by its CMS id compared without case or
// spaces (server/quality/report-data.ts loadSharedCmsIds, for a year's data-quality run and
// the annual return's Data quality sheet). With the merged flag and the id itself beside the
// key, both databases answer that from the index alone, in key order: no table rows, no sort.
// It replaces 007's index on the key alone, whose lookups (loadCmsIds) it serves as well.
const KEY = "upper(replace(cms_id, ' ', ''))";

export async function up(knex: Knex): Promise<void> {
  await knex.raw(`create index children_cms_key_live_index on children (${KEY}, merged_into_id, cms_id)`);
  await knex.raw('drop index children_cms_key_index');
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw(`create index children_cms_key_index on children (${KEY})`);
  await knex.raw('drop index children_cms_key_live_index');
}
