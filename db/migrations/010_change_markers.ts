import type { Knex } from 'knex';

// Change markers: one row per small, rarely changed table that pages read on every request
// (code lists, users, service settings). Any write to the table gives its marker a new random
// value, from a trigger, so every writer counts (the app, the command-line scripts, a
// restore, a hand-written fix). A process may then keep the table in memory and read just the
// markers, one small query, to know whether its copy is still current, whichever process (or
// tool) made the change. Random values rather than a counter: a value stands for one state of
// the table, so a database restored from a backup cannot show a process an old number with new
// rows. See server/common/change-markers.ts.
export const MARKED_TABLES = ['code_lists', 'users', 'service_settings'] as const;

const SQLITE_NEW_VALUE = 'lower(hex(randomblob(8)))';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('change_markers', (t) => {
    t.string('name', 40).primary();
    t.string('version', 40).notNullable();
  });
  const pg = knex.client.config.client === 'pg';
  for (const table of MARKED_TABLES) {
    await knex.raw(`insert into change_markers (name, version) values (?, ${pg ? 'md5(random()::text)' : SQLITE_NEW_VALUE})`, [table]);
  }
  if (pg) {
    await knex.raw(`
      create function change_marker_bump() returns trigger language plpgsql as $$
      begin
        update change_markers set version = md5(random()::text || clock_timestamp()::text) where name = tg_argv[0];
        return null;
      end $$`);
    for (const table of MARKED_TABLES) {
      // once per statement (truncate included), not per row
      await knex.raw(`create trigger ${table}_changed after insert or update or delete or truncate on ${table}
        for each statement execute function change_marker_bump('${table}')`);
    }
    return;
  }
  for (const table of MARKED_TABLES) {
    for (const event of ['insert', 'update', 'delete']) {
      await knex.raw(`create trigger ${table}_${event}_changed after ${event} on ${table}
        begin update change_markers set version = ${SQLITE_NEW_VALUE} where name = '${table}'; end`);
    }
  }
}

export async function down(knex: Knex): Promise<void> {
  const pg = knex.client.config.client === 'pg';
  for (const table of MARKED_TABLES) {
    if (pg) await knex.raw(`drop trigger ${table}_changed on ${table}`);
    else for (const event of ['insert', 'update', 'delete']) await knex.raw(`drop trigger ${table}_${event}_changed`);
  }
  if (pg) await knex.raw('drop function change_marker_bump()');
  await knex.schema.dropTable('change_markers');
}
