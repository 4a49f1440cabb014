import type { Knex } from 'knex';
import { perRequest } from '../common/per-request.js';

// Service settings: one row per key. Free-text answers for the annual return are kept
// here once and reused every year.
export const SETTINGS = [
  { key: 'council_name', label: 'Council name', kind: 'text' },
  { key: 'la_code', label: 'DfE local authority code', kind: 'text', hint: 'Three digits, for example 201' },
  { key: 'contact_name', label: 'Contact name for the annual return', kind: 'text' },
  { key: 'contact_email', label: 'Contact email for the annual return', kind: 'text' },
  { key: 'delivery_model', label: 'How FGCs are delivered', kind: 'textarea', hint: 'In-house, commissioned or mixed; the provider’s name' },
  { key: 'stages_offered', label: 'At which stages FGCs are offered', kind: 'textarea' },
  { key: 'referral_process', label: 'How referrals are made', kind: 'textarea' },
  { key: 'how_offered', label: 'How FGCs are offered to parents and carers, and by whom', kind: 'textarea' },
  { key: 'frg_accredited', label: 'Is the service accredited by Family Rights Group?', kind: 'text', hint: 'Yes or No' },
  { key: 'cms_id_pattern', label: 'Format of case management system IDs', kind: 'text', hint: 'A regular expression (RE2 syntax, up to 200 characters), for example ^[0-9]{6,8}$. Leave blank to accept any.' },
  { key: 'retention_years', label: 'Years to keep closed FGC episodes', kind: 'text', hint: 'Leave blank to keep them indefinitely' },
] as const;

export type SettingKey = (typeof SETTINGS)[number]['key'];

export async function loadSettings(db: Knex): Promise<Record<string, string>> {
  const rows = await db('service_settings').select('key', 'value');
  return Object.fromEntries(rows.map((r) => [r.key, r.value ?? '']));
}

/** The settings, read once per request. */
export const currentSettings: (db: Knex, req: object) => Promise<Record<string, string>> = perRequest(loadSettings);

export async function saveSettings(trx: Knex.Transaction, values: Record<string, string>) {
  for (const [key, value] of Object.entries(values)) {
    await trx('service_settings').insert({ key, value }).onConflict('key').merge();
  }
}
