import type { Knex } from 'knex';

// Merges of duplicate child records, kept so an administrator can undo one exactly:
// which referral links moved from the merged record to the survivor ('moved'), and which
// were dropped because the survivor was already on that referral ('dropped'), with the
// merged record's own values on each link.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('child_merges', (t) => {
    t.increments('id');
    t.integer('family_id').notNullable().references('families.id');
    t.integer('merged_child_id').notNullable().references('children.id');
    t.integer('survivor_id').notNullable().references('children.id');
    t.integer('merged_by').references('users.id');
    t.string('merged_at', 30).notNullable();
    t.integer('undone_by').references('users.id');
    t.string('undone_at', 30);
    t.index(['merged_child_id']);
    t.index(['survivor_id']);
  });
  await knex.schema.createTable('child_merge_links', (t) => {
    t.increments('id');
    t.integer('merge_id').notNullable().references('child_merges.id').onDelete('CASCADE');
    t.integer('referral_id').notNullable().references('referrals.id').onDelete('CASCADE');
    t.string('kind', 10).notNullable(); // moved | dropped
    t.string('legal_status', 20);
    t.string('outcome_6m_legal_status', 20);
    t.string('outcome_6m_living', 20);
    t.string('outcome_12m_legal_status', 20);
    t.string('outcome_12m_living', 20);
    // For 'dropped': the survivor's values the merge filled in from the merged record (JSON), else null.
    t.text('survivor_before');
    t.index(['merge_id']);
  });
  // Possible duplicates are looked up by date of birth when a child is added.
  await knex.schema.alterTable('children', (t) => {
    t.index(['date_of_birth'], 'children_date_of_birth_index');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('children', (t) => {
    t.dropIndex(['date_of_birth'], 'children_date_of_birth_index');
  });
  await knex.schema.dropTableIfExists('child_merge_links');
  await knex.schema.dropTableIfExists('child_merges');
}
