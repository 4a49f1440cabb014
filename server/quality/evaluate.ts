import { RULES } from './registry.js';
import type { ChildFacts, QualityContext, QualityRule, ReferralFacts, Severity } from './types.js';

// Pure: runs rules over plain case data and says where each problem is.

export interface DatasetReferral extends ReferralFacts {
  id: number;
  family_id: number;
  referral_ref: string;
  family_ref: string;
}

export interface DatasetChild extends ChildFacts {
  id: number;
  family_id: number;
  child_ref: string;
  family_ref: string;
}

export interface QualityDataset {
  referrals: DatasetReferral[];
  children: DatasetChild[];
}

/** One problem on one record: a row of the report. */
export interface Issue {
  rule: string;
  severity: Severity;
  message: string;
  family_id: number;
  family_ref: string;
  referral_id: number | null;
  referral_ref: string | null;
  child_id: number | null;
  child_ref: string | null;
  field: string;
}

/**
 * Every finding of the given rules over the dataset, grouped by rule in registry order, each
 * rule's by reference (referral, then child).
 * Child references come from ctx.childrenById, so build the context from the dataset's children.
 */
export function evaluate(data: QualityDataset, ctx: QualityContext, rules: readonly QualityRule[] = RULES): Issue[] {
  // Indexed loops, not for-of: this runs every rule on every record (hundreds of thousands
  // of calls for a large database), and most calls find nothing.
  const out: Issue[] = [];
  const { referrals, children } = data;
  for (const rule of rules) {
    const start = out.length;
    if (rule.scope === 'referral') {
      for (let i = 0; i < referrals.length; i++) {
        const r = referrals[i];
        const found = rule.check(r, ctx);
        for (let j = 0; j < found.length; j++) {
          const f = found[j];
          const child = f.child_id !== undefined ? ctx.childrenById.get(f.child_id) : undefined;
          out.push({
            rule: rule.code, severity: rule.severity, message: f.message, family_id: r.family_id, family_ref: r.family_ref,
            referral_id: r.id, referral_ref: r.referral_ref, child_id: f.child_id ?? null, child_ref: child?.child_ref ?? null, field: f.field,
          });
        }
      }
    } else {
      for (let i = 0; i < children.length; i++) {
        const c = children[i];
        if (c.merged_into_id) continue; // the surviving record carries the child now
        const found = rule.check(c, ctx);
        for (let j = 0; j < found.length; j++) {
          const f = found[j];
          out.push({
            rule: rule.code, severity: rule.severity, message: f.message, family_id: c.family_id, family_ref: c.family_ref,
            referral_id: null, referral_ref: null, child_id: c.id, child_ref: c.child_ref, field: f.field,
          });
        }
      }
    }
    if (out.length - start > 1) byReference(out, start);
  }
  return out;
}

const cmp = (a: string | null, b: string | null) => (a === b ? 0 : a === null ? -1 : b === null ? 1 : a < b ? -1 : a > b ? 1 : 0);

/**
 * One rule's issues (out[start..]) by referral reference, then child reference, then field: the
 * report lists the same cases the same way in any database, never by id or the order rows were
 * read. Stable, and the records usually come in about this order, so it costs little.
 */
function byReference(out: Issue[], start: number): void {
  const part = out.slice(start);
  part.sort((a, b) => cmp(a.referral_ref, b.referral_ref) || cmp(a.child_ref, b.child_ref) || cmp(a.field, b.field));
  for (let i = 0; i < part.length; i++) out[start + i] = part[i];
}

export interface RuleCount {
  rule: string;
  title: string;
  severity: Severity;
  count: number;
}

/** Issues per rule, every rule listed (zeros included), in registry order. */
export function countByRule(issues: Issue[], rules: readonly QualityRule[] = RULES): RuleCount[] {
  const n = new Map<string, number>();
  for (const i of issues) n.set(i.rule, (n.get(i.rule) ?? 0) + 1);
  return rules.map((r) => ({ rule: r.code, title: r.title, severity: r.severity, count: n.get(r.code) ?? 0 }));
}
