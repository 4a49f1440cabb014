// The answer to the offer, by consent (decision) date in the period: consented (consent given; a
// later withdrawal does not remove it), with the distinct children on them and the median days
// from referral; declined (declined or no response), by decline reason, and each of the two apart.
import type { Referral } from '../../cases/types.js';
import { codeOf, type Breakdown } from '../breakdowns.js';
import type { Population } from '../return-types.js';
import { populationWithChildren } from './children.js';
import { BY_STAGE, datedIn, fgcBreakdown, fgcPopulation, medianDaysFromReferral, type CountingContext } from './context.js';

export interface ConsentCounts {
  consented: Population;
  declined: Population;
  declinedOnly: Population;
  noResponse: Population;
  /** median days referral -> consent over the FGCs consented to */
  referralToConsent: number | null;
  breakdowns: Breakdown[];
}

export function countConsent(referrals: readonly Referral[], ctx: CountingContext): ConsentCounts {
  const decided = datedIn(referrals, ctx, (r) => r.consent_date);
  const given = decided.filter((r) => r.consent_decision === 'GIVEN');
  const declined = decided.filter((r) => r.consent_decision === 'DECLINED' || r.consent_decision === 'NORESP');
  const declinedOnly = declined.filter((r) => r.consent_decision === 'DECLINED');
  const noResponse = declined.filter((r) => r.consent_decision === 'NORESP');
  const consented = populationWithChildren('consented', given, ctx);
  return {
    consented: consented.population,
    declined: fgcPopulation('declined', declined),
    declinedOnly: fgcPopulation('declinedOnly', declinedOnly),
    noResponse: fgcPopulation('noResponse', noResponse),
    referralToConsent: medianDaysFromReferral(given, (r) => r.consent_date),
    breakdowns: [
      fgcBreakdown(ctx, 'consented', 'stageOffered', 'FGCs consented to, by stage offered', given, BY_STAGE),
      fgcBreakdown(ctx, 'declined', 'stageOffered', 'FGCs declined or with no response, by stage offered', declined, BY_STAGE),
      fgcBreakdown(ctx, 'declinedOnly', 'stageOffered', 'FGCs declined (excluding no response), by stage offered', declinedOnly, BY_STAGE),
      fgcBreakdown(ctx, 'noResponse', 'stageOffered', 'FGCs with no response, by stage offered', noResponse, BY_STAGE),
      ...consented.characteristics,
      fgcBreakdown(ctx, 'declined', 'declineReason', 'FGCs declined or with no response, by reason consent was not given', declined, {
        list: 'decline_reason',
        codeOf: (r) => codeOf(r.decline_reason),
      }),
    ],
  };
}
