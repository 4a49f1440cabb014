import type { Knex } from 'knex';
import { CLOSURE_REASONS } from '../seed/code-lists.js';

// referrals.closure_reason and its code list: why an episode closed once a conference was
// held ("Plan completed", "Family withdrew"). An episode closed without a conference keeps
// using fgc_not_held_reason. A new install already has the codes (001 inserts every seed
// list), so they are added only where missing.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('referrals', (t) => {
    t.string('closure_reason', 20);
  });
  const rows = CLOSURE_REASONS.map((c, i) => ({
    list: 'closure_reason', code: c.code, label: c.label, group_label: null, sort_order: (i + 1) * 10, retired: false,
  }));
  await knex('code_lists').insert(rows).onConflict(['list', 'code']).ignore();
}

export async function down(knex: Knex): Promise<void> {
  // Plain DROP COLUMN (SQLite 3.35+ and PostgreSQL): knex's SQLite dropColumn rebuilds the
  // table, which would lose the case-change triggers of migration 011.
  await knex.raw('alter table referrals drop column closure_reason');
  await knex('code_lists').where({ list: 'closure_reason' }).delete();
}
