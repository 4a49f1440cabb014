import { CHILD_FIELDS, STAGES } from '../cases/stages.js';
import type { Issue } from './evaluate.js';

// Where to go to fix an issue: the form that holds the field. Pure.

const STAGE_OF = new Map<string, string>();
for (const stage of STAGES) for (const f of stage.fields) if (!STAGE_OF.has(f.name)) STAGE_OF.set(f.name, stage.key);
const CHILD_FIELD_NAMES = new Set(CHILD_FIELDS.map((f) => f.name));

export function fixLink(issue: Pick<Issue, 'rule' | 'field' | 'referral_id' | 'child_id'>): string {
  const { rule, field, referral_id: r, child_id: c } = issue;
  if (rule === 'duplicate-cms-id' && c) return `/children/${c}/merge`;
  if (c && (!r || CHILD_FIELD_NAMES.has(field))) return `/children/${c}/edit#${field}`;
  if (!r) return '/quality';
  if (rule === 'no-recent-activity' || field === 'review_date') return `/referrals/${r}`;
  if (rule === 'not-held-without-reason') return `/referrals/${r}/stages/closure#${field}`;
  if (field === 'legal_status') return `/referrals/${r}/children`;
  if (field.startsWith('outcome_')) return `/referrals/${r}/outcomes`;
  const stage = STAGE_OF.get(field);
  return stage ? `/referrals/${r}/stages/${stage}#${field}` : `/referrals/${r}`;
}
