import type { Knex } from 'knex';

// Importing any tracker spreadsheet (server/tracker-import).
// tracker_mappings: named column and value mappings, remembered for the next file laid out
// the same way. tracker_imports: one uploaded tracker between its upload and its import —
// the file itself, the mapping being worked on, and the progress and result of its check
// or import, which the progress page reads while a large file is worked through.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('tracker_mappings', (t) => {
    t.increments('id');
    t.string('name', 100).notNullable().unique();
    t.text('mapping').notNullable(); // JSON: server/tracker-import/mapping.ts TrackerMapping
    t.integer('created_by').nullable().references('users.id');
    t.string('created_at', 30).notNullable();
    t.string('updated_at', 30).notNullable();
    t.string('last_used_at', 30).nullable();
  });
  await knex.schema.createTable('tracker_imports', (t) => {
    t.increments('id');
    t.integer('user_id').notNullable().references('users.id');
    t.string('filename', 255).notNullable();
    t.binary('content').notNullable();
    t.string('status', 20).notNullable(); // mapping | checking | checked | applying | applied | failed
    t.integer('header_row').nullable();
    t.integer('header_depth').nullable();
    t.text('mapping').nullable(); // JSON, the mapping as the user is making it
    t.integer('mapping_id').nullable().references('tracker_mappings.id').onDelete('SET NULL');
    t.integer('rows_read').notNullable().defaultTo(0);
    t.integer('rows_checked').notNullable().defaultTo(0);
    t.integer('rows_total').nullable();
    t.text('result').nullable(); // JSON: summary, problems (the first 1,000), skipped rows, columns not imported
    t.text('error').nullable();
    t.string('created_at', 30).notNullable();
    t.string('updated_at', 30).notNullable();
    t.index(['user_id']);
    t.index(['created_at']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('tracker_imports');
  await knex.schema.dropTableIfExists('tracker_mappings');
}
