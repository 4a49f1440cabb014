import type { CodeListName } from '../../db/seed/code-lists.js';

// The forms of an FGC episode, one per stage, described as data so one parser,
// one template and one audit path serve them all.

export type FieldKind = 'date' | 'code' | 'radios' | 'codes' | 'yesno' | 'count' | 'text' | 'textarea' | 'coordinator';

export interface FieldSpec {
  name: string;
  label: string;
  kind: FieldKind;
  list?: CodeListName;
  hint?: string;
  required?: boolean;
  /** dates that may lie in the future (an expected date of delivery) */
  future?: boolean;
  max?: number;
  requiredMessage?: string;
}

export interface StageSpec {
  key: string;
  title: string;
  fields: FieldSpec[];
}

const date = (name: string, label: string, extra: Partial<FieldSpec> = {}): FieldSpec => ({ name, label, kind: 'date', ...extra });
const text = (name: string, label: string, extra: Partial<FieldSpec> = {}): FieldSpec => ({ name, label, kind: 'text', max: 200, ...extra });
const count = (name: string, label: string): FieldSpec => ({ name, label, kind: 'count', max: 200, hint: 'A number of people, 0 if none' });
const yesno = (name: string, label: string, extra: Partial<FieldSpec> = {}): FieldSpec => ({ name, label, kind: 'yesno', ...extra });

export const REFERRAL_DETAILS: StageSpec = {
  key: 'details',
  title: 'Referral details',
  fields: [
    date('referral_date', 'Date the FGC service received the referral', { required: true }),
    { name: 'referral_source', label: 'Who referred the family', kind: 'code', list: 'referral_source' },
    { name: 'stage_offered', label: 'Stage at which the FGC is offered', kind: 'code', list: 'stage_offered' },
    { name: 'coordinator_id', label: 'Coordinator', kind: 'coordinator' },
    date('lbp_date', 'Date the letter before proceedings was sent', { hint: 'Pre-proceedings only. For example, 27 3 2024' }),
  ],
};

export const STAGES: StageSpec[] = [
  REFERRAL_DETAILS,
  {
    key: 'offer',
    title: 'Offer',
    fields: [
      date('offer_date', 'Date the FGC was offered to parents or carers', { required: true }),
      text('offered_by', 'Who offered it', { hint: 'For example, the social worker or the coordinator' }),
      text('offer_method', 'How it was offered', { hint: 'For example, in the letter before proceedings, at a home visit, by phone' }),
    ],
  },
  {
    key: 'consent',
    title: 'Consent',
    fields: [
      { name: 'consent_decision', label: 'Decision', kind: 'radios', list: 'consent_decision', required: true, requiredMessage: 'Select the consent decision' },
      date('consent_date', 'Date of the decision', { required: true }),
      { name: 'decline_reason', label: 'Reason consent was not given', kind: 'code', list: 'decline_reason', hint: 'If declined or no response' },
      date('consent_withdrawn_date', 'Date consent was withdrawn', { hint: 'Only if consent was given and later withdrawn' }),
    ],
  },
  {
    key: 'conference',
    title: 'Initial conference',
    fields: [
      date('initial_fgc_date', 'Date the initial conference was held', { hint: 'Leave blank if it did not take place' }),
      { name: 'fgc_not_held_reason', label: 'Reason the conference did not take place', kind: 'code', list: 'not_held_reason', hint: 'Only if no conference will be held' },
      count('attend_parents', 'Number of parents or carers who attended'),
      count('attend_maternal', 'Number of maternal relatives who attended'),
      count('attend_paternal', 'Number of paternal relatives who attended'),
      count('attend_friends', 'Number of friends and community members who attended'),
      count('attend_professionals', 'Number of professionals who attended'),
      { name: 'child_participation', label: 'Child participation', kind: 'radios', list: 'child_participation' },
      yesno('advocate_used', 'Was an advocate used?'),
      yesno('interpreter_used', 'Was an interpreter used?'),
      yesno('private_family_time', 'Was private family time held?'),
    ],
  },
  {
    key: 'plan',
    title: 'Plan',
    fields: [
      yesno('plan_agreed', 'Was a plan agreed?', { required: true, requiredMessage: 'Select yes if a plan was agreed, or no if it was not' }),
      date('plan_date', 'Date the plan was agreed'),
      { name: 'plan_content', label: 'What the plan provides', kind: 'codes', list: 'plan_content', hint: 'Select all that apply' },
      date('plan_sent_date', 'Date the plan was sent to the family'),
      date('plan_uploaded_date', 'Date the plan was uploaded to the case management system'),
    ],
  },
  {
    key: 'closure',
    title: 'Closure',
    fields: [
      date('closure_date', 'Date the FGC episode closed', { required: true }),
      { name: 'fgc_not_held_reason', label: 'Reason the conference did not take place', kind: 'code', list: 'not_held_reason', hint: 'Only if no initial conference was held' },
      { name: 'closure_reason', label: 'Reason the episode closed', kind: 'code', list: 'closure_reason', hint: 'After the conference, for example the plan was completed or the family withdrew' },
      { name: 'family_feedback', label: 'Feedback from the family and child', kind: 'textarea', max: 4000 },
      { name: 'professional_feedback', label: 'Feedback from professionals', kind: 'textarea', max: 4000 },
    ],
  },
];

export function stageByKey(key: string): StageSpec | undefined {
  return STAGES.find((s) => s.key === key);
}

/**
 * A stage's form for one episode. The closure form asks why the episode closed when a
 * conference was held, and why none took place when it was not: never both.
 */
export function stageForEpisode(stage: StageSpec, episode: { initial_fgc_date: string | null }): StageSpec {
  if (stage.key !== 'closure') return stage;
  const skip = episode.initial_fgc_date ? 'fgc_not_held_reason' : 'closure_reason';
  return { ...stage, fields: stage.fields.filter((f) => f.name !== skip) };
}

export const REVIEW_FIELDS: FieldSpec[] = [
  date('review_date', 'Date the review conference was held', { required: true }),
  yesno('plan_working', 'Is the plan working?'),
];

export const CHILD_FIELDS: FieldSpec[] = [
  text('first_name', 'First name', { hint: 'Leave blank if not yet named' }),
  text('last_name', 'Last name', { required: true }),
  text('cms_id', 'Case management system ID', { hint: "Leave blank if the child is not known to children's social care", max: 60 }),
  date('date_of_birth', 'Date of birth', { hint: 'Leave blank for an unborn child. For example, 27 3 2019' }),
  date('expected_date_of_birth', 'Expected date of delivery', { hint: 'Unborn children only. For example, 27 3 2025', future: true }),
  { name: 'sex', label: 'Sex', kind: 'radios', list: 'sex' },
  { name: 'ethnicity', label: 'Ethnicity', kind: 'code', list: 'ethnicity' },
  { name: 'disabilities', label: 'Disability', kind: 'codes', list: 'disability', hint: 'Select all that apply' },
  yesno('disability_self_reported', 'Was disability self-reported by the child or family?'),
];

export const OUTCOME_FIELDS = ['outcome_6m_legal_status', 'outcome_6m_living', 'outcome_12m_legal_status', 'outcome_12m_living'] as const;
