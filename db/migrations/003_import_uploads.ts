import type { Knex } from 'knex';

// An uploaded interchange file kept between its dry-run preview and the data lead's
// confirmation, so the file applied is exactly the file previewed. Deleted once applied;
// ones left behind are removed after a day.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('import_uploads', (t) => {
    t.increments('id');
    t.integer('user_id').notNullable().references('users.id');
    t.string('filename', 255).notNullable();
    t.binary('content').notNullable();
    t.string('created_at', 30).notNullable();
    t.index(['created_at']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('import_uploads');
}
