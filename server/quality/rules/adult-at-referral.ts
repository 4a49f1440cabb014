import { ageOn } from '../../common/dates.js';
import { NONE, eighteenYearsBefore } from '../rule-helpers.js';
import type { Finding, ReferralRule } from '../types.js';

export const adultAtReferral: ReferralRule = {
  code: 'adult-at-referral',
  title: 'Age 18 or over at referral',
  message: 'The child was 18 or over on the referral date: check the date of birth',
  severity: 'query',
  decision:
    'Saves with a query: a young person aged 18 or over can be referred; the date of birth is worth checking, not refusing.',
  scope: 'referral',
  fields: ['date_of_birth', 'referral_date'],
  check(r, ctx) {
    if (!r.referral_date || !r.children?.length) return NONE;
    const bornBy = eighteenYearsBefore(r.referral_date);
    let out: Finding[] | undefined;
    for (const link of r.children) {
      const dob = ctx.childrenById.get(link.child_id)?.date_of_birth;
      if (!dob || dob > bornBy) continue;
      (out ??= []).push({ field: 'date_of_birth', child_id: link.child_id, message: `The child was ${ageOn(dob, r.referral_date)} on the referral date: check the date of birth` });
    }
    return out ?? NONE;
  },
};
