import type { Knex } from 'knex';
import * as changeMarkers from './010_change_markers.js';
import * as caseChanges from './011_case_changes.js';

// The change markers (010) and the case-change feed (011) kept in-memory copies of code
// lists, users, settings and case data current in each process. Nothing keeps such copies
// now (every request reads what it shows), so their triggers and tables go. Down puts them
// back as they were.

export async function up(knex: Knex): Promise<void> {
  await caseChanges.down(knex);
  await changeMarkers.down(knex);
}

export async function down(knex: Knex): Promise<void> {
  await changeMarkers.up(knex);
  await caseChanges.up(knex);
}
