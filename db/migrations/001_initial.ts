import type { Knex } from 'knex';
import { SEED_CODE_LISTS, type CodeListName } from '../seed/code-lists.js';

// Dates are calendar dates stored as 'YYYY-MM-DD' text; timestamps as ISO-8601 text.
// Every case table carries `version` for optimistic locking.
const date = (t: Knex.CreateTableBuilder, name: string) => t.string(name, 10);

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('users', (t) => {
    t.increments('id');
    t.string('email', 254).notNullable().unique();
    t.string('name', 200).notNullable();
    t.string('role', 20).notNullable();
    t.string('team', 100);
    t.text('password_hash');
    t.boolean('active').notNullable().defaultTo(true);
    t.integer('failed_attempts').notNullable().defaultTo(0);
    t.string('locked_until', 30);
    t.string('last_sign_in_at', 30);
    t.string('created_at', 30).notNullable();
  });

  await knex.schema.createTable('sessions', (t) => {
    t.string('sid').primary();
    t.json('sess').notNullable();
    t.timestamp('expired', { useTz: true }).notNullable().index();
  });

  await knex.schema.createTable('code_lists', (t) => {
    t.string('list', 40).notNullable();
    t.string('code', 20).notNullable();
    t.string('label', 200).notNullable();
    t.string('group_label', 100);
    t.integer('sort_order').notNullable().defaultTo(0);
    t.boolean('retired').notNullable().defaultTo(false);
    t.primary(['list', 'code']);
  });

  await knex.schema.createTable('service_settings', (t) => {
    t.string('key', 60).primary();
    t.text('value');
  });

  await knex.schema.createTable('families', (t) => {
    t.increments('id');
    t.string('family_ref', 60).notNullable().unique();
    t.integer('version').notNullable().defaultTo(1);
    t.string('created_at', 30).notNullable();
    t.string('updated_at', 30).notNullable();
  });

  await knex.schema.createTable('children', (t) => {
    t.increments('id');
    t.integer('family_id').notNullable().references('families.id');
    t.string('child_ref', 60).notNullable().unique();
    t.string('cms_id', 60).index();
    t.string('first_name', 100);
    t.string('last_name', 100);
    date(t, 'date_of_birth');
    date(t, 'expected_date_of_birth');
    t.string('sex', 20);
    t.string('ethnicity', 20);
    t.boolean('disability_self_reported');
    // Set when this record was merged into another (issue: duplicate children).
    t.integer('merged_into_id').references('children.id');
    t.integer('version').notNullable().defaultTo(1);
    t.string('created_at', 30).notNullable();
    t.string('updated_at', 30).notNullable();
    t.index(['family_id']);
  });

  await knex.schema.createTable('child_disabilities', (t) => {
    t.integer('child_id').notNullable().references('children.id').onDelete('CASCADE');
    t.string('code', 20).notNullable();
    t.primary(['child_id', 'code']);
  });

  await knex.schema.createTable('referrals', (t) => {
    t.increments('id');
    t.string('referral_ref', 60).notNullable().unique();
    t.integer('family_id').notNullable().references('families.id');
    date(t, 'referral_date').notNullable();
    t.string('referral_source', 20);
    t.string('stage_offered', 20);
    t.integer('coordinator_id').references('users.id');
    t.string('coordinator_name', 200); // as imported, when no user account matches
    date(t, 'lbp_date');
    // Offer
    date(t, 'offer_date');
    t.string('offered_by', 200);
    t.string('offer_method', 200);
    // Consent
    t.string('consent_decision', 20);
    date(t, 'consent_date');
    t.string('decline_reason', 20);
    date(t, 'consent_withdrawn_date');
    // Initial conference
    date(t, 'initial_fgc_date');
    t.string('fgc_not_held_reason', 20);
    t.integer('attend_parents');
    t.integer('attend_maternal');
    t.integer('attend_paternal');
    t.integer('attend_friends');
    t.integer('attend_professionals');
    t.string('child_participation', 20);
    t.boolean('advocate_used');
    t.boolean('interpreter_used');
    t.boolean('private_family_time');
    // Plan
    t.boolean('plan_agreed');
    date(t, 'plan_date');
    date(t, 'plan_sent_date');
    date(t, 'plan_uploaded_date');
    // Closure
    date(t, 'closure_date');
    t.text('family_feedback');
    t.text('professional_feedback');
    t.integer('version').notNullable().defaultTo(1);
    t.string('created_at', 30).notNullable();
    t.string('updated_at', 30).notNullable();
    t.index(['family_id']);
    t.index(['referral_date']);
    t.index(['closure_date']);
  });

  await knex.schema.createTable('referral_children', (t) => {
    t.integer('referral_id').notNullable().references('referrals.id').onDelete('CASCADE');
    t.integer('child_id').notNullable().references('children.id');
    t.string('legal_status', 20);
    t.string('outcome_6m_legal_status', 20);
    t.string('outcome_6m_living', 20);
    t.string('outcome_12m_legal_status', 20);
    t.string('outcome_12m_living', 20);
    t.primary(['referral_id', 'child_id']);
    t.index(['child_id']);
  });

  await knex.schema.createTable('referral_plan_content', (t) => {
    t.integer('referral_id').notNullable().references('referrals.id').onDelete('CASCADE');
    t.string('code', 20).notNullable();
    t.primary(['referral_id', 'code']);
  });

  await knex.schema.createTable('review_conferences', (t) => {
    t.increments('id');
    t.integer('referral_id').notNullable().references('referrals.id').onDelete('CASCADE');
    date(t, 'review_date').notNullable();
    t.boolean('plan_working');
    t.string('created_at', 30).notNullable();
    t.index(['referral_id']);
  });

  await knex.schema.createTable('audit_log', (t) => {
    t.increments('id');
    t.string('at', 30).notNullable();
    t.integer('user_id').references('users.id');
    t.string('action', 20).notNullable(); // create | update | delete | sign-in | export ...
    t.string('entity', 40).notNullable();
    t.integer('entity_id');
    t.integer('family_id');
    t.integer('referral_id');
    t.integer('child_id');
    t.string('field', 60);
    t.text('old_value');
    t.text('new_value');
    t.index(['entity', 'entity_id']);
    t.index(['family_id']);
    t.index(['referral_id']);
    t.index(['child_id']);
  });

  const rows = (Object.keys(SEED_CODE_LISTS) as CodeListName[]).flatMap((list) =>
    SEED_CODE_LISTS[list].map((c, i) => ({
      list,
      code: c.code,
      label: c.label,
      group_label: c.group ?? null,
      sort_order: (i + 1) * 10,
      retired: false,
    })),
  );
  await knex.batchInsert('code_lists', rows, 100);
}

export async function down(knex: Knex): Promise<void> {
  for (const table of [
    'audit_log',
    'review_conferences',
    'referral_plan_content',
    'referral_children',
    'referrals',
    'child_disabilities',
    'children',
    'families',
    'service_settings',
    'code_lists',
    'sessions',
    'users',
  ]) {
    await knex.schema.dropTableIfExists(table);
  }
}
