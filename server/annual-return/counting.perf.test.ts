import { describe, it, expect } from 'vitest';
import { computeReturn, reconcile } from './counting.js';
import { makeChild, makeReferral, onReferral, seedCodes } from './test-fixtures.js';
import { addDays } from '../common/dates.js';
import type { Child, Referral } from '../cases/types.js';

/** A deterministic national-scale data set: 100,000 referrals over 200,000 children. */
function bigWorld() {
  let seed = 42;
  const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)];
  const codes = seedCodes();
  const eth = codes.ethnicity.map((c) => c.code);
  const children: Child[] = [];
  for (let id = 1; id <= 200_000; id++) {
    children.push(makeChild({
      id, family_id: Math.ceil(id / 2), date_of_birth: addDays('2006-01-01', Math.floor(rnd() * 6500)),
      sex: pick(['M', 'F', 'U', null]), ethnicity: pick([...eth, null]), disabilities: pick([[], ['NONE'], ['AUT']]),
      cms_id: rnd() < 0.1 ? null : `CMS${id}`, merged_into_id: id > 1 && rnd() < 0.01 ? id - 1 : null,
    }));
  }
  const referrals: Referral[] = [];
  for (let id = 1; id <= 100_000; id++) {
    const ref = addDays('2022-04-01', Math.floor(rnd() * 1095));
    const decision = pick(['GIVEN', 'GIVEN', 'DECLINED', 'NORESP', null] as const);
    const consent = decision ? addDays(ref, 5 + Math.floor(rnd() * 30)) : null;
    const held = decision === 'GIVEN' && rnd() < 0.8 ? addDays(consent!, 10 + Math.floor(rnd() * 40)) : null;
    const kids = [onReferral(2 * id - 1, pick(['CP', 'CIN', 'PLO', null]))];
    if (rnd() < 0.9) kids.push(onReferral(2 * id, pick(['CP', 'CIN', 'PLO', null])));
    if (rnd() < 0.1) kids.push(onReferral(1 + Math.floor(rnd() * 200_000), 'EH')); // on a second referral too
    referrals.push(makeReferral({
      id, family_id: id, referral_date: ref, stage_offered: pick(['EH', 'CIN', 'CP', 'PLO', null]), referral_source: pick(['SW', 'EHP', null]),
      offer_date: addDays(ref, 2), consent_decision: decision, consent_date: consent, decline_reason: decision && decision !== 'GIVEN' ? 'NOHELP' : null,
      initial_fgc_date: held, closure_date: held ? addDays(held, 90) : addDays(ref, 60), plan_agreed: held ? true : null,
      attend_parents: held ? 2 : null, child_participation: held ? 'ATTENDED' : null, review_dates: held ? [addDays(held, 60)] : [],
      children: kids,
    }));
  }
  return { children, referrals, codes };
}

describe('performance', () => {
  it('computes a national-scale return (100,000 referrals, 200,000 children) in well under a second', () => {
    const { children, referrals, codes } = bigWorld();
    computeReturn({ year: 2023, referrals: referrals.slice(0, 2000), children, codes }); // warm up the JIT
    const t0 = performance.now();
    const ret = computeReturn({ year: 2023, referrals, children, codes });
    const ms = performance.now() - t0;
    console.log(`computeReturn: ${ms.toFixed(0)} ms for ${referrals.length} referrals / ${children.length} children`);
    expect(ret.populations.referred.fgcs).toBeGreaterThan(30_000);
    expect(reconcile(ret)).toEqual([]);
    expect(ms).toBeLessThan(1000);
  });
});
