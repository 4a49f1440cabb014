import type { Request } from 'express';
import type { Knex } from 'knex';
import { codeLabel, currentCodeLists, type CodeLists } from '../codes/code-lists.js';
import { currentUsers } from '../auth/users.js';
import { loadChildren } from './children-repository.js';
import { childName } from './names.js';
import { formatDate } from '../common/dates.js';
import type { HistoryEntry } from '../audit/history.js';
import { CHILD_FIELDS, REVIEW_FIELDS, STAGES, type FieldSpec } from './stages.js';

// The change history as people read it: labels rather than codes, people's and children's
// names rather than ids, fields by their labels on the forms, and the local (UK) date and
// time. The audit log itself keeps the codes and ids. Pure.

export interface HistoryRow {
  when: string;
  who: string;
  what: string;
  field: string;
  was: string;
  now: string;
}

export interface HistoryNames {
  codes: CodeLists;
  /** user id → name */
  users: Map<number, string>;
  /** child id → name */
  children: Map<number, string>;
}

const REFERRAL_CHILD_FIELDS: FieldSpec[] = [
  { name: 'legal_status', label: 'Legal status at referral', kind: 'code', list: 'legal_status' },
  { name: 'outcome_6m_legal_status', label: 'Legal status at 6 months', kind: 'code', list: 'outcome_legal_status' },
  { name: 'outcome_6m_living', label: 'Living arrangement at 6 months', kind: 'code', list: 'living_arrangement' },
  { name: 'outcome_12m_legal_status', label: 'Legal status at 12 months', kind: 'code', list: 'outcome_legal_status' },
  { name: 'outcome_12m_living', label: 'Living arrangement at 12 months', kind: 'code', list: 'living_arrangement' },
  { name: 'on_referral', label: 'On the referral', kind: 'text' },
];

/** Each field's spec by entity, as the forms describe it. */
const SPECS: Record<string, Map<string, FieldSpec>> = {
  child: new Map(CHILD_FIELDS.map((f) => [f.name, f])),
  referral: new Map(STAGES.flatMap((s) => s.fields).map((f) => [f.name, f])),
  referral_child: new Map(REFERRAL_CHILD_FIELDS.map((f) => [f.name, f])),
  review: new Map(REVIEW_FIELDS.map((f) => [f.name, f])),
};

const ACTIONS: Record<string, string> = { create: 'Added', update: 'Changed', delete: 'Removed' };

const LONDON = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Europe/London', day: 'numeric', month: 'long', year: 'numeric', hour: 'numeric', minute: '2-digit', hourCycle: 'h12',
});

/** An instant as UK local date and time, GOV.UK style: "5 December 2026 at 2:15pm", "at 10am", "at midnight". */
export function localDateTime(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const p = Object.fromEntries(LONDON.formatToParts(d).map((x) => [x.type, x.value]));
  const period = (p.dayPeriod ?? '').toLowerCase().replace(/[^a-z]/g, '');
  let time = p.minute === '00' ? `${p.hour}${period}` : `${p.hour}:${p.minute}${period}`;
  if (time === '12am') time = 'midnight';
  if (time === '12pm') time = 'midday';
  return `${p.day} ${p.month} ${p.year} at ${time}`;
}

const humanise = (field: string) => {
  const s = field.replace(/_id$/, '').replace(/_/g, ' ');
  return s.charAt(0).toUpperCase() + s.slice(1);
};

function valueText(spec: FieldSpec | undefined, field: string, value: string | null, names: HistoryNames): string {
  if (value === null || value === '') return '';
  if (field === 'coordinator_id') return names.users.get(Number(value)) ?? 'A former user';
  if (spec?.list) return value.split(';').map((code) => codeLabel(names.codes, spec.list!, code)).join(', ');
  if (/^\d{4}-\d{2}-\d{2}$/.test(value)) return formatDate(value);
  return value;
}

function subject(e: HistoryEntry, names: HistoryNames): string {
  switch (e.entity) {
    case 'family': return 'family';
    case 'child': return names.children.get(e.entity_id ?? -1) ?? 'a child';
    case 'referral': return 'referral';
    case 'referral_child': return `${names.children.get(e.entity_id ?? -1) ?? 'a child'} on the referral`;
    case 'review': return 'review conference';
    default: return e.entity.replace(/_/g, ' ');
  }
}

export function readableHistory(entries: HistoryEntry[], names: HistoryNames): HistoryRow[] {
  return entries.map((e) => {
    const spec = e.field ? SPECS[e.entity]?.get(e.field) : undefined;
    return {
      when: localDateTime(e.at),
      who: e.user_name ?? 'An import or the system',
      what: `${ACTIONS[e.action] ?? e.action} ${subject(e, names)}`,
      field: e.field ? (spec?.label ?? humanise(e.field)) : '',
      was: valueText(spec, e.field ?? '', e.old_value, names),
      now: valueText(spec, e.field ?? '', e.new_value, names),
    };
  });
}

/** The names a family's history needs: code labels, users, the family's children. */
export async function historyNames(db: Knex, req: Request, familyId: number): Promise<HistoryNames> {
  const [codes, users, children] = await Promise.all([currentCodeLists(db, req), currentUsers(db, req), loadChildren(db, { family_id: familyId })]);
  return {
    codes,
    users: new Map([...users.byId].map(([id, u]) => [id, u.name])),
    children: new Map(children.map((c) => [c.id, childName(c)])),
  };
}
