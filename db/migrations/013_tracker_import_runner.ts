import type { Knex } from 'knex';

// tracker_imports.runner: which process runs an upload's check or import (host, process id
// and the moment that process started), so a job whose process has died (a restart, a
// crash) shows as failed, with "try again", instead of looking busy until it times out.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('tracker_imports', (t) => {
    t.string('runner', 300);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('tracker_imports', (t) => {
    t.dropColumn('runner');
  });
}
