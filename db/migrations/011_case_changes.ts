import type { Knex } from 'knex';

// The case-change feed: every insert, update and delete of the case data the insight pages
// count adds a row naming the referral or child it touched, from a trigger, so every writer
// counts (the app, imports, merges, command-line scripts, a hand-written fix). A process that
// keeps the case data in memory (server/insight/case-store.ts) reads the rows added since it
// last looked and reloads just those referrals and children. Truncating a table adds one row
// of kind 'all' (reload everything). Rows are pruned after a day (case-store.ts).
//
// PostgreSQL: rows carry the writing transaction's id, since ids from a sequence are not
// handed out in commit order; statement triggers with transition tables add one insert per
// statement, however many rows it wrote. SQLite has one writer at a time, so ids are in commit
// order; its row triggers run in-process.
export const CASE_CHANGE_SOURCES = [
  { table: 'referrals', kind: 'referral', column: 'id' },
  { table: 'referral_children', kind: 'referral', column: 'referral_id' },
  { table: 'review_conferences', kind: 'referral', column: 'referral_id' },
  { table: 'referral_plan_content', kind: 'referral', column: 'referral_id' },
  { table: 'children', kind: 'child', column: 'id' },
  { table: 'child_disabilities', kind: 'child', column: 'child_id' },
] as const;

const EVENTS = [
  { event: 'insert', rows: ['new'] },
  { event: 'update', rows: ['new', 'old'] },
  { event: 'delete', rows: ['old'] },
] as const;

export async function up(knex: Knex): Promise<void> {
  const pg = knex.client.config.client === 'pg';
  await knex.schema.createTable('case_changes', (t) => {
    t.bigIncrements('id').primary();
    t.string('kind', 10).notNullable();
    t.integer('entity_id').notNullable();
    // seconds since 1970, database clock: for pruning
    t.bigInteger('at').notNullable().defaultTo(knex.raw(pg ? '(extract(epoch from now())::bigint)' : '(unixepoch())'));
    if (pg) t.specificType('xid', 'xid8').notNullable().defaultTo(knex.raw('pg_current_xact_id()'));
  });
  await knex.schema.alterTable('case_changes', (t) => t.index(['at'], 'case_changes_at'));
  if (pg) {
    await knex.raw('create index case_changes_xid on case_changes (xid)');
    for (const { table, kind, column } of CASE_CHANGE_SOURCES) {
      for (const { event, rows } of EVENTS) {
        const fn = `case_change_${table}_${event}`;
        const select = rows.map((r) => `select '${kind}', ${column} from ${r}_rows`).join(' union ');
        await knex.raw(`create function ${fn}() returns trigger language plpgsql as $$
          begin insert into case_changes (kind, entity_id) select distinct * from (${select}) s; return null; end $$`);
        const referencing = rows.map((r) => `${r} table as ${r}_rows`).join(' ');
        await knex.raw(`create trigger ${fn} after ${event} on ${table} referencing ${referencing} for each statement execute function ${fn}()`);
      }
    }
    await knex.raw(`create function case_change_truncate() returns trigger language plpgsql as $$
      begin insert into case_changes (kind, entity_id) values ('all', 0); return null; end $$`);
    for (const { table } of CASE_CHANGE_SOURCES) {
      await knex.raw(`create trigger case_change_${table}_truncate after truncate on ${table} for each statement execute function case_change_truncate()`);
    }
    return;
  }
  for (const { table, kind, column } of CASE_CHANGE_SOURCES) {
    for (const { event, rows } of EVENTS) {
      const inserts = rows.map((r) => `insert into case_changes (kind, entity_id) values ('${kind}', ${r}.${column});`);
      // an update that keeps the key names it once
      const body = rows.length === 2 ? `${inserts[0]} insert into case_changes (kind, entity_id) select '${kind}', old.${column} where old.${column} <> new.${column};` : inserts[0];
      await knex.raw(`create trigger case_change_${table}_${event} after ${event} on ${table} begin ${body} end`);
    }
  }
}

export async function down(knex: Knex): Promise<void> {
  const pg = knex.client.config.client === 'pg';
  for (const { table } of CASE_CHANGE_SOURCES) {
    for (const { event } of EVENTS) {
      const name = `case_change_${table}_${event}`;
      if (pg) {
        await knex.raw(`drop trigger ${name} on ${table}`);
        await knex.raw(`drop function ${name}()`);
      } else await knex.raw(`drop trigger ${name}`);
    }
    if (pg) await knex.raw(`drop trigger case_change_${table}_truncate on ${table}`);
  }
  if (pg) await knex.raw('drop function case_change_truncate()');
  await knex.schema.dropTable('case_changes');
}
