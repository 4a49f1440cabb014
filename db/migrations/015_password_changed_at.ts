import type { Knex } from 'knex';

// users.password_changed_at: when the account's password was last set or changed. A session
// signed in before then is no longer signed in (server/auth/passport.ts), so changing a
// password, or setting one with a link, ends the account's sessions everywhere else.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('users', (t) => {
    t.string('password_changed_at', 30);
  });
}

export async function down(knex: Knex): Promise<void> {
  // Plain DROP COLUMN (SQLite 3.35+ and PostgreSQL), as migration 014: no table rebuild.
  await knex.raw('alter table users drop column password_changed_at');
}
