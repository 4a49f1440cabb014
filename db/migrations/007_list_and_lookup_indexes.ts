import type { Knex } from 'knex';

// Indexes for pages that must stay quick with 100,000 referrals and 200,000 children:
// - the case list: the user's own open FGCs (coordinator, open, newest first), and every
//   referral newest first (referral date then id; SQLite's referral date index already
//   ends in the row id, so only PostgreSQL needs this one);
// - the family page's duplicate CMS id check, which looks children up by their CMS id
//   compared without case or spaces (server/quality/report-data.ts loadCmsIds), an
//   expression both databases can index.
const CMS_KEY_INDEX = 'children_cms_key_index';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('referrals', (t) => {
    t.index(['coordinator_id', 'closure_date', 'referral_date', 'id'], 'referrals_coordinator_open_index');
  });
  if (knex.client.config.client === 'pg') {
    await knex.schema.alterTable('referrals', (t) => t.index(['referral_date', 'id'], 'referrals_referral_date_id_index'));
  }
  await knex.raw(`create index ${CMS_KEY_INDEX} on children (upper(replace(cms_id, ' ', '')))`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw(`drop index ${CMS_KEY_INDEX}`);
  if (knex.client.config.client === 'pg') {
    await knex.schema.alterTable('referrals', (t) => t.dropIndex(['referral_date', 'id'], 'referrals_referral_date_id_index'));
  }
  await knex.schema.alterTable('referrals', (t) => t.dropIndex(['coordinator_id', 'closure_date', 'referral_date', 'id'], 'referrals_coordinator_open_index'));
}
