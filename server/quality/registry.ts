import type { ChildRule, QualityRule, ReferralRule } from './types.js';
import { heldWithoutConsent } from './rules/held-without-consent.js';
import { stageContradiction } from './rules/stage-contradiction.js';
import { declinedWithoutReason } from './rules/declined-without-reason.js';
import { stageOrder } from './rules/stage-order.js';
import { planWithoutDate } from './rules/plan-without-date.js';
import { notHeldWithoutReason } from './rules/not-held-without-reason.js';
import { consentWithoutOffer } from './rules/consent-without-offer.js';
import { noRecentActivity } from './rules/no-recent-activity.js';
import { outcomeOverdue } from './rules/outcome-overdue.js';
import { adultAtReferral } from './rules/adult-at-referral.js';
import { noLegalStatus } from './rules/no-legal-status.js';
import { noBirthDate } from './rules/no-birth-date.js';
import { unbornPastDue } from './rules/unborn-past-due.js';
import { ethnicityNotObtained } from './rules/ethnicity-not-obtained.js';
import { cmsIdFormat } from './rules/cms-id-format.js';
import { duplicateCmsId } from './rules/duplicate-cms-id.js';

/**
 * The stage rules that block a save, in the order their messages take precedence when
 * two concern one field (the forms and the interchange import show one per field).
 */
export const STAGE_RULES: readonly ReferralRule[] = [
  heldWithoutConsent, stageContradiction, stageOrder, planWithoutDate, notHeldWithoutReason,
];

export const REFERRAL_RULES: readonly ReferralRule[] = [...STAGE_RULES, declinedWithoutReason, consentWithoutOffer, noRecentActivity, outcomeOverdue, adultAtReferral, noLegalStatus];

export const CHILD_RULES: readonly ChildRule[] = [noBirthDate, unbornPastDue, ethnicityNotObtained, cmsIdFormat, duplicateCmsId];

/** Every data-quality rule: the report, the return's Data quality sheet and the forms all use this list. */
export const RULES: readonly QualityRule[] = [...REFERRAL_RULES, ...CHILD_RULES];

const BY_CODE = new Map(RULES.map((r) => [r.code, r]));

export function ruleByCode(code: string): QualityRule | undefined {
  return BY_CODE.get(code);
}
