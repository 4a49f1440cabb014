import type { Knex } from 'knex';
import type { FormErrors } from '../common/forms.js';
import { qualityContext } from './context.js';
import { normaliseCmsId } from '../common/cms-id.js';
import { evaluate, type Issue, type QualityDataset } from './evaluate.js';
import { CHILD_RULES, REFERRAL_RULES } from './registry.js';
import { loadCmsIdPattern, loadCmsIds, loadQualityDataset } from './report-data.js';
import type { ChildFacts, Finding, QualityContext, QualityRule, ReferralFacts } from './types.js';
import { fixLink } from './fix-links.js';

// The rules as the forms use them: one record checked before it is saved (errors block
// the save; queries are shown on the family and referral pages afterwards).

export interface RecordFindings {
  errors: (Finding & { rule: string })[];
  queries: (Finding & { rule: string })[];
}

function split(rules: readonly QualityRule[], run: (rule: QualityRule) => Finding[]): RecordFindings {
  const out: RecordFindings = { errors: [], queries: [] };
  for (const rule of rules) {
    for (const f of run(rule)) (rule.severity === 'error' ? out.errors : out.queries).push({ ...f, rule: rule.code });
  }
  return out;
}

/**
 * The context for checking a few records: the CMS id format (read from the settings unless
 * given) and other children sharing their CMS ids.
 */
export async function recordContext(
  db: Knex, today: string, children: (ChildFacts & { id?: number })[], cmsIdPattern?: string | null,
): Promise<QualityContext> {
  const keys = [...new Set(children.map((c) => normaliseCmsId(c.cms_id)).filter((k): k is string => !!k))];
  const [pattern, cmsIds] = await Promise.all([cmsIdPattern !== undefined ? cmsIdPattern : loadCmsIdPattern(db), loadCmsIds(db, keys)]);
  return qualityContext({ today, cmsIdPattern: pattern, cmsIds, children: children.filter((c): c is ChildFacts & { id: number } => c.id !== undefined) });
}

export function checkChild(child: ChildFacts, ctx: QualityContext): RecordFindings {
  return split(CHILD_RULES, (rule) => (rule.scope === 'child' ? rule.check(child, ctx) : []));
}

export function checkReferral(referral: ReferralFacts, ctx: QualityContext): RecordFindings {
  return split(REFERRAL_RULES, (rule) => (rule.scope === 'referral' ? rule.check(referral, ctx) : []));
}

const findingKey = (f: Finding & { rule: string }) => `${f.rule}|${f.field}|${f.child_id ?? ''}|${f.message}`;

/**
 * The errors that refuse a form's save: those on the form's own fields, and those the save
 * would bring about elsewhere. An error the record already had on a field this form does not
 * show (an imported offer dated before its referral, say) does not stop someone recording the
 * next stage: it stays on the quality report to be fixed on its own form. Counted, not just
 * seen: a second review dated like an earlier misdated one is a new error.
 */
export function blockingErrors(before: RecordFindings, after: RecordFindings, formFields: Iterable<string>): (Finding & { rule: string })[] {
  const fields = new Set(formFields);
  const had = new Map<string, number>();
  for (const f of before.errors) had.set(findingKey(f), (had.get(findingKey(f)) ?? 0) + 1);
  return after.errors.filter((f) => {
    if (fields.has(f.field)) return true;
    const n = had.get(findingKey(f)) ?? 0;
    if (n) had.set(findingKey(f), n - 1);
    return n === 0;
  });
}

/**
 * Findings as GOV.UK form errors: on the form's own field where it has one, otherwise
 * on the form as a whole. The first message for a field wins.
 */
export function formErrors(findings: Finding[], formFields: Iterable<string>): FormErrors {
  const fields = new Set(formFields);
  const errors: FormErrors = {};
  for (const f of findings) {
    const key = fields.has(f.field) ? f.field : 'form';
    if (key === 'form') {
      let n = 0;
      while (errors[n ? `form${n}` : 'form'] !== undefined && errors[n ? `form${n}` : 'form'] !== f.message) n++;
      errors[n ? `form${n}` : 'form'] ??= f.message;
    } else errors[key] ??= f.message;
  }
  return errors;
}

/** Every issue on one family's children and referrals, for the family and referral pages. */
export async function familyIssues(db: Knex, familyId: number, today: string): Promise<Issue[]> {
  return datasetIssues(db, await loadQualityDataset(db, { familyId }), today);
}

/**
 * Every issue on records already loaded (one family's: see familyDataset), with the CMS id
 * format given or read from the settings.
 */
export async function datasetIssues(db: Knex, data: QualityDataset, today: string, cmsIdPattern?: string | null): Promise<Issue[]> {
  const ctx = await recordContext(db, today, data.children.filter((c) => !c.merged_into_id), cmsIdPattern);
  return evaluate(data, ctx);
}

export interface IssueLine {
  severity: 'error' | 'query';
  label: string;
  message: string;
  fix: string;
}

/** Issues as lines for a page, naming the child or referral each is about. */
export function issueLines(issues: Issue[], children: { id: number; first_name: string | null; last_name: string | null; child_ref: string }[]): IssueLine[] {
  const names = new Map(children.map((c) => [c.id, [c.first_name, c.last_name].filter(Boolean).join(' ') || c.child_ref]));
  return issues
    .map((i) => ({
      severity: i.severity,
      label: [i.referral_ref ? `Referral ${i.referral_ref}` : '', i.child_id ? (names.get(i.child_id) ?? i.child_ref ?? '') : ''].filter(Boolean).join(', '),
      message: i.message,
      fix: fixLink(i),
    }))
    .sort((a, b) => (a.severity === b.severity ? 0 : a.severity === 'error' ? -1 : 1));
}
