import type { Knex } from 'knex';
import * as m001 from './001_initial.js';
import * as m002 from './002_rate_limits.js';
import * as m003 from './003_import_uploads.js';
import * as m004 from './004_comparison_populations.js';
import * as m005 from './005_child_merges.js';
import * as m006 from './006_tracker_mappings.js';
import * as m007 from './007_list_and_lookup_indexes.js';
import * as m008 from './008_children_merged_index.js';
import * as m009 from './009_children_cms_key_covering_index.js';
import * as m010 from './010_change_markers.js';
import * as m011 from './011_case_changes.js';
import * as m012 from './012_account_security.js';
import * as m013 from './013_tracker_import_runner.js';
import * as m014 from './014_closure_reasons.js';
import * as m015 from './015_password_changed_at.js';
import * as m016 from './016_drop_change_feeds.js';

// Migrations are listed here (not discovered on disk) so they run the same under tsx,
// vitest and any bundler. Append new ones; never edit one that has shipped.
const migrations: Record<string, Knex.Migration> = {
  '001_initial': m001,
  '002_rate_limits': m002,
  '003_import_uploads': m003,
  '004_comparison_populations': m004,
  '005_child_merges': m005,
  '006_tracker_mappings': m006,
  '007_list_and_lookup_indexes': m007,
  '008_children_merged_index': m008,
  '009_children_cms_key_covering_index': m009,
  '010_change_markers': m010,
  '011_case_changes': m011,
  '012_account_security': m012,
  '013_tracker_import_runner': m013,
  '014_closure_reasons': m014,
  '015_password_changed_at': m015,
  '016_drop_change_feeds': m016,
};

export const migrationSource: Knex.MigrationSource<string> = {
  getMigrations: async () => Object.keys(migrations).sort(),
  getMigrationName: (name) => name,
  getMigration: async (name) => migrations[name],
};
