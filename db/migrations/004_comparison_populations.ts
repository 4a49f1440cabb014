import type { Knex } from 'knex';

// Comparison populations for the equity-of-access page: a small table of counts by
// characteristic (for example the council's 0-17 population by ethnic group) that the
// data lead uploads. `rows` holds the validated rows as JSON text:
// [{ "characteristic": "ethnicity_group", "category_code": "White", "count": 12000 }, ...]
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('comparison_populations', (t) => {
    t.increments('id');
    t.string('name', 100).notNullable();
    t.integer('uploaded_by').references('users.id');
    t.string('uploaded_at', 30).notNullable();
    t.text('rows').notNullable();
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('comparison_populations');
}
