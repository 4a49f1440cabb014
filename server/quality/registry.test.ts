import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { CHILD_RULES, REFERRAL_RULES, RULES, STAGE_RULES, ruleByCode } from './registry.js';

const rulesDir = path.join(path.dirname(fileURLToPath(import.meta.url)), 'rules');

describe('the rule registry', () => {
  it('lists every rule module once, each with its own test beside it', () => {
    const modules = fs.readdirSync(rulesDir).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts')).map((f) => f.replace(/\.ts$/, '')).sort();
    expect(RULES.map((r) => r.code).sort()).toEqual(modules);
    for (const m of modules) expect(fs.existsSync(path.join(rulesDir, `${m}.test.ts`)), `${m}.test.ts`).toBe(true);
  });

  it('gives every rule a URL-safe code, a title, a message, a severity and its fields', () => {
    for (const r of RULES) {
      expect(r.code).toMatch(/^[a-z0-9-]+$/);
      expect(r.title.length).toBeGreaterThan(5);
      expect(r.message.length).toBeGreaterThan(5);
      expect(['error', 'query']).toContain(r.severity);
      expect(r.decision).toMatch(r.severity === 'error' ? /^Blocks the save: / : /^Saves with a query: /);
      expect(r.fields.length).toBeGreaterThan(0);
      expect(ruleByCode(r.code)).toBe(r);
    }
  });

  it('has the stage rules that block saves as errors, and scopes rules to referrals or children', () => {
    expect(STAGE_RULES.every((r) => r.severity === 'error' && r.scope === 'referral')).toBe(true);
    expect(REFERRAL_RULES.every((r) => r.scope === 'referral')).toBe(true);
    expect(CHILD_RULES.every((r) => r.scope === 'child')).toBe(true);
  });

  it('covers every rule the data-quality issue names', () => {
    expect(RULES.map((r) => r.title)).toEqual(expect.arrayContaining([
      'Stage dates out of order', 'Conference held without consent', 'Consent given with no offer recorded', 'Declined with no reason',
      'Not held with no reason', 'Open episode with no activity for 90 days', 'Plan agreed with no plan date', 'Outcome overdue at 6 or 12 months',
      'Child with neither date of birth nor expected date', 'Unborn child whose expected date has passed', 'Age 18 or over at referral',
      'Ethnicity not obtained', 'CMS ID in the wrong format', 'The same CMS ID on two children', 'Child on a referral with no legal status',
    ]));
  });
});
