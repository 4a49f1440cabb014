import type { Knex } from 'knex';

// Separation of duties for accounts (server/auth/password-links.ts, account-audit.ts).
//
// password_links: one-time links to set a password, which an administrator passes on to a
// new person or to someone who needs a new password. Only a SHA-256 hash of the link's
// random token is kept; a link works once, until expires_at.
//
// account_audit: every change to an account (created, role or team changed, deactivated,
// reactivated, link issued, password set or changed), who made it and through what. A change
// that gives an account access to case data it did not have waits (review_state 'pending')
// until a data lead acknowledges it.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('password_links', (t) => {
    t.increments('id');
    t.integer('user_id').notNullable().references('users.id');
    t.string('token_hash', 64).notNullable().unique();
    t.string('purpose', 20).notNullable(); // new-account | reset
    t.integer('created_by').references('users.id'); // null: the command line
    t.string('created_at', 30).notNullable();
    t.string('expires_at', 30).notNullable();
    t.string('used_at', 30); // used, or withdrawn by a newer link, a password change or a deactivation
    t.index(['user_id']);
  });

  await knex.schema.createTable('account_audit', (t) => {
    t.increments('id');
    t.string('at', 30).notNullable();
    t.integer('account_id').notNullable().references('users.id');
    t.integer('actor_id').references('users.id'); // null: the command line or single sign-on
    t.string('channel', 20).notNullable(); // web | first-run | command-line | single-sign-on
    t.string('action', 30).notNullable();
    t.string('old_value', 100);
    t.string('new_value', 100);
    t.string('review_state', 20); // null: no review needed | pending | acknowledged
    t.integer('reviewed_by').references('users.id');
    t.string('reviewed_at', 30);
    t.index(['account_id']);
    t.index(['review_state']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('account_audit');
  await knex.schema.dropTableIfExists('password_links');
}
