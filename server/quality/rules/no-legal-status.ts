import { NONE } from '../rule-helpers.js';
import type { Finding, ReferralRule } from '../types.js';

export const noLegalStatus: ReferralRule = {
  code: 'no-legal-status',
  title: 'Child on a referral with no legal status',
  message: "Select the child's legal status at referral",
  severity: 'query',
  decision:
    'Saves with a query: the legal status may not be known when the referral is recorded. A child with no CMS ID and no status counts as not known to children\'s social care.',
  scope: 'referral',
  fields: ['legal_status'],
  check(r) {
    let out: Finding[] | undefined;
    for (const link of r.children ?? []) if (!link.legal_status) (out ??= []).push({ field: 'legal_status', child_id: link.child_id, message: noLegalStatus.message });
    return out ?? NONE;
  },
};
