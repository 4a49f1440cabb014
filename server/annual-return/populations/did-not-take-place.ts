// Did not take place: referrals closed in the period without an initial FGC ever held, by reason.
// A recorded reason counts as recorded; a decline or no response with none counts under
// "consent not given", a withdrawal under "consent withdrawn" (domain.md, decided edge cases).
import type { Referral } from '../../cases/types.js';
import { NR, codeOf, unknownCodeLabel, type Breakdown } from '../breakdowns.js';
import type { Population } from '../return-types.js';
import { datedIn, fgcBreakdown, fgcPopulation, type CountingContext } from './context.js';

export const NOT_HELD_NO_CONSENT = 'NOCONSENT';
export const NOT_HELD_WITHDRAWN = 'WITHDRAWN';

/** Labels for the reasons counted without being recorded, when the code list lacks them. */
const FALLBACK_LABELS: Record<string, string> = {
  [NOT_HELD_NO_CONSENT]: 'Consent not given',
  [NOT_HELD_WITHDRAWN]: 'Consent withdrawn after it was given',
};

function notHeldReason(r: Referral): string {
  const recorded = codeOf(r.fgc_not_held_reason);
  if (recorded !== NR) return recorded;
  if (r.consent_decision === 'DECLINED' || r.consent_decision === 'NORESP') return NOT_HELD_NO_CONSENT;
  if (r.consent_withdrawn_date) return NOT_HELD_WITHDRAWN;
  return NR;
}

export function countDidNotTakePlace(referrals: readonly Referral[], ctx: CountingContext): { didNotTakePlace: Population; breakdowns: Breakdown[] } {
  const closed = datedIn(referrals, ctx, (r) => r.closure_date).filter((r) => !r.initial_fgc_date);
  return {
    didNotTakePlace: fgcPopulation('didNotTakePlace', closed),
    breakdowns: [
      fgcBreakdown(ctx, 'didNotTakePlace', 'notHeldReason', 'FGCs that did not take place, by reason', closed, {
        list: 'not_held_reason',
        codeOf: notHeldReason,
        unknownLabel: (code) => (Object.hasOwn(FALLBACK_LABELS, code) ? FALLBACK_LABELS[code] : unknownCodeLabel(code)),
      }),
    ],
  };
}
