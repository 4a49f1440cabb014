import { describe, it, expect } from 'vitest';
import { computeReturn, reconcile, type AnnualReturn, type ReturnInput } from './counting.js';
import { makeChild, makeReferral, onReferral, seedCodes } from './test-fixtures.js';
import type { Child, Referral } from '../cases/types.js';

const codes = seedCodes();

function run(referrals: Referral[], children: Child[], year = 2023): AnnualReturn {
  const input: ReturnInput = { year, referrals, children, codes };
  const ret = computeReturn(input);
  // Every hand-built case must also reconcile.
  expect(reconcile(ret)).toEqual([]);
  return ret;
}

function breakdown(ret: AnnualReturn, key: string) {
  const b = ret.breakdowns[key];
  if (!b) throw new Error(`no breakdown ${key}; have ${Object.keys(ret.breakdowns).join(', ')}`);
  return b;
}

/** Only the rows with a non-zero count, as code -> count. */
function nonZero(ret: AnnualReturn, key: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const r of breakdown(ret, key).rows) if (r.count > 0) out[r.code] = r.count;
  return out;
}

function rowIds(ret: AnnualReturn, key: string, code: string): number[] {
  const row = breakdown(ret, key).rows.find((r) => r.code === code);
  if (!row) throw new Error(`no row ${code} in ${key}`);
  return [...row.ids].sort((a, b) => a - b);
}

describe('reporting year', () => {
  it('is the financial year, both ends inclusive', () => {
    const refs = [
      makeReferral({ id: 1, referral_date: '2023-03-31' }), // 2022-23
      makeReferral({ id: 2, referral_date: '2023-04-01' }), // 2023-24, first day
      makeReferral({ id: 3, referral_date: '2024-03-31' }), // 2023-24, last day
      makeReferral({ id: 4, referral_date: '2024-04-01' }), // 2024-25
    ];
    const ret = run(refs, []);
    expect(ret.period).toEqual({ from: '2023-04-01', to: '2024-03-31', label: '2023-24' });
    expect(ret.populations.referred.fgcs).toBe(2);
    expect([...ret.populations.referred.fgcIds].sort()).toEqual([2, 3]);
  });
});

describe('multi-child families', () => {
  it('counts one FGC for a referral covering three children, and each child once', () => {
    const kids = [
      makeChild({ id: 1, date_of_birth: '2010-01-01', sex: 'F' }), // 13 on 2023-05-01 -> 10-15
      makeChild({ id: 2, date_of_birth: '2019-05-02', sex: 'M' }), // 3 (birthday tomorrow) -> 1-4
      makeChild({ id: 3, date_of_birth: '2022-11-30', sex: 'M' }), // 0 -> Under 1
    ];
    const ref = makeReferral({ id: 10, referral_date: '2023-05-01', children: kids.map((k) => onReferral(k, 'CP')) });
    const ret = run([ref], kids);
    expect(ret.populations.referred.fgcs).toBe(1);
    expect(ret.populations.referred.children).toBe(3);
    expect(nonZero(ret, 'referred.children.ageBand')).toEqual({ '10-15': 1, '1-4': 1, U1: 1 });
    expect(nonZero(ret, 'referred.children.sex')).toEqual({ F: 1, M: 2 });
    expect(nonZero(ret, 'referred.children.legalStatus')).toEqual({ CP: 3 });
    expect(rowIds(ret, 'referred.children.sex', 'M')).toEqual([2, 3]);
  });

  it('counts siblings on different referrals as two FGCs and two children; a sibling on no referral is not counted', () => {
    const a = makeChild({ id: 1, family_id: 7 });
    const b = makeChild({ id: 2, family_id: 7 });
    const notReferred = makeChild({ id: 3, family_id: 7 });
    const refs = [
      makeReferral({ id: 10, family_id: 7, referral_date: '2023-06-01', children: [onReferral(a, 'CIN')] }),
      makeReferral({ id: 11, family_id: 7, referral_date: '2023-09-01', children: [onReferral(b, 'PLO')] }),
    ];
    const ret = run(refs, [a, b, notReferred]);
    expect(ret.populations.referred.fgcs).toBe(2);
    expect(ret.populations.referred.children).toBe(2);
    expect(nonZero(ret, 'referred.children.legalStatus')).toEqual({ CIN: 1, PLO: 1 });
    expect(ret.populations.referred.childIds!.includes(3)).toBe(false);
  });
});

describe('a child on two referrals in the year', () => {
  // Born 2013-09-01: 9 on 2023-06-01 (band 5-9), 10 on 2023-12-01 (band 10-15).
  const child = makeChild({ id: 1, date_of_birth: '2013-09-01' });
  const later = makeReferral({ id: 20, referral_date: '2023-12-01', children: [onReferral(1, 'CP')] });
  const earlier = makeReferral({ id: 21, referral_date: '2023-06-01', children: [onReferral(1, 'CIN')] });

  it('is counted once, with two FGCs', () => {
    const ret = run([later, earlier], [child]);
    expect(ret.populations.referred.fgcs).toBe(2);
    expect(ret.populations.referred.children).toBe(1);
    expect(breakdown(ret, 'referred.children.ageBand').total).toBe(1);
  });

  it('takes age and legal status from the earliest referral, whatever the input order', () => {
    for (const order of [[later, earlier], [earlier, later]]) {
      const ret = run(order, [child]);
      expect(nonZero(ret, 'referred.children.ageBand')).toEqual({ '5-9': 1 });
      expect(nonZero(ret, 'referred.children.legalStatus')).toEqual({ CIN: 1 });
    }
  });

  it('breaks a tie on referral date by the lower referral reference, never by id or input order', () => {
    // FGC-0002 is the lower reference but has the higher id and comes later in the input.
    const low = makeReferral({ id: 9, referral_ref: 'FGC-0002', referral_date: '2023-06-01', children: [onReferral(1, 'EH')] });
    const high = makeReferral({ id: 3, referral_ref: 'FGC-0010', referral_date: '2023-06-01', children: [onReferral(1, 'PLO')] });
    for (const order of [[high, low], [low, high]]) {
      const ret = run(order, [child]);
      expect(nonZero(ret, 'referred.children.legalStatus')).toEqual({ EH: 1 });
      expect(nonZero(ret, 'referred.children.ageBand')).toEqual({ '5-9': 1 });
      expect(ret.populations.referred.children).toBe(1);
    }
  });

  it('breaks a tie by reference in every child population (consented, took place)', () => {
    const both = { referral_date: '2023-06-01', consent_decision: 'GIVEN' as const, consent_date: '2023-06-10', initial_fgc_date: '2023-07-01' };
    const low = makeReferral({ id: 40, referral_ref: 'A-1', ...both, children: [onReferral(1, 'CIN')] });
    const high = makeReferral({ id: 4, referral_ref: 'B-1', ...both, children: [onReferral(1, 'CP')] });
    const ret = run([high, low], [child]);
    for (const pop of ['referred', 'consented', 'tookPlace']) expect(nonZero(ret, `${pop}.children.legalStatus`)).toEqual({ CIN: 1 });
  });

  it('uses the earliest referral within each population, not the earliest overall', () => {
    // Earlier referral (June, CIN) was never consented; the later one (December, CP) was.
    const notConsented = makeReferral({ id: 30, referral_date: '2023-06-01', children: [onReferral(1, 'CIN')] });
    const consented = makeReferral({
      id: 31, referral_date: '2023-12-01', consent_decision: 'GIVEN', consent_date: '2023-12-10',
      children: [onReferral(1, 'CP')],
    });
    const ret = run([notConsented, consented], [child]);
    expect(nonZero(ret, 'referred.children.legalStatus')).toEqual({ CIN: 1 });
    expect(nonZero(ret, 'referred.children.ageBand')).toEqual({ '5-9': 1 });
    expect(nonZero(ret, 'consented.children.legalStatus')).toEqual({ CP: 1 });
    expect(nonZero(ret, 'consented.children.ageBand')).toEqual({ '10-15': 1 });
  });
});

describe('children not known to children\'s social care', () => {
  it('counts a non-CMS child like any other, with legal status NKCSC when none is recorded on the referral', () => {
    const nonCms = makeChild({ id: 1, cms_id: null });
    const nonCmsWithStatus = makeChild({ id: 2, cms_id: null });
    const cmsNoStatus = makeChild({ id: 3, cms_id: 'CMS3' });
    const ref = makeReferral({ id: 10, children: [onReferral(1, null), onReferral(2, 'EH'), onReferral(3, null)] });
    const ret = run([ref], [nonCms, nonCmsWithStatus, cmsNoStatus]);
    expect(ret.populations.referred.children).toBe(3);
    expect(nonZero(ret, 'referred.children.legalStatus')).toEqual({ NKCSC: 1, EH: 1, NR: 1 });
    expect(rowIds(ret, 'referred.children.legalStatus', 'NKCSC')).toEqual([1]);
    expect(rowIds(ret, 'referred.children.legalStatus', 'NR')).toEqual([3]);
  });
});

describe('unborn children', () => {
  it('puts a child expected after the referral date in band Unborn, and a child already born by age', () => {
    const kids = [
      makeChild({ id: 1, date_of_birth: null, expected_date_of_birth: '2023-09-01', sex: 'U' }), // unborn
      makeChild({ id: 2, date_of_birth: '2023-08-20', expected_date_of_birth: '2023-09-01' }), // born after referral
      makeChild({ id: 3, date_of_birth: '2023-05-01', expected_date_of_birth: '2023-05-10' }), // born before referral: Under 1
      makeChild({ id: 4, date_of_birth: null, expected_date_of_birth: '2023-05-01' }), // due before referral, no dob: unknown
      makeChild({ id: 5, date_of_birth: null, expected_date_of_birth: null }), // nothing recorded
      makeChild({ id: 6, date_of_birth: '2023-06-01', expected_date_of_birth: null }), // born on the referral date: Under 1
      makeChild({ id: 7, date_of_birth: '2023-09-01', expected_date_of_birth: null }), // dob after referral: not yet born
    ];
    const ref = makeReferral({ id: 10, referral_date: '2023-06-01', children: kids.map((k) => onReferral(k)) });
    const ret = run([ref], kids);
    expect(nonZero(ret, 'referred.children.ageBand')).toEqual({ UNBORN: 3, U1: 2, NR: 2 });
    expect(rowIds(ret, 'referred.children.ageBand', 'UNBORN')).toEqual([1, 2, 7]);
    expect(rowIds(ret, 'referred.children.ageBand', 'NR')).toEqual([4, 5]);
    expect(nonZero(ret, 'referred.children.sex')).toEqual({ U: 1, F: 6 });
  });

  it('lists every age band in order, 18 and over included', () => {
    const kids = [
      makeChild({ id: 1, date_of_birth: '2005-06-01' }), // 18 on 2023-06-01
      makeChild({ id: 2, date_of_birth: '2005-06-02' }), // 17
      makeChild({ id: 3, date_of_birth: '2007-06-01' }), // 16
      makeChild({ id: 4, date_of_birth: '2007-06-02' }), // 15
      makeChild({ id: 5, date_of_birth: '2018-06-01' }), // 5
      makeChild({ id: 6, date_of_birth: '2018-06-02' }), // 4
      makeChild({ id: 7, date_of_birth: '2022-06-01' }), // 1
    ];
    const ret = run([makeReferral({ referral_date: '2023-06-01', children: kids.map((k) => onReferral(k)) })], kids);
    const b = breakdown(ret, 'referred.children.ageBand');
    expect(b.rows.map((r) => r.label)).toEqual(['Unborn', 'Under 1', '1-4', '5-9', '10-15', '16-17', '18 and over', 'Not recorded']);
    expect(b.rows.map((r) => r.count)).toEqual([0, 0, 2, 1, 1, 2, 1, 0]);
  });
});

describe('merged duplicate children', () => {
  it('counts a child and its merged duplicate once, under the surviving record, following chains', () => {
    const survivor = makeChild({ id: 1, sex: 'M', ethnicity: 'BAFR' });
    const dup = makeChild({ id: 2, merged_into_id: 1, sex: null, ethnicity: null });
    const dupOfDup = makeChild({ id: 3, merged_into_id: 2, sex: 'F', ethnicity: 'WBRI' });
    const refs = [
      makeReferral({ id: 10, referral_date: '2023-05-01', children: [onReferral(2, 'CIN')] }),
      makeReferral({ id: 11, referral_date: '2023-07-01', children: [onReferral(1, 'CP')] }),
      makeReferral({ id: 12, referral_date: '2023-08-01', children: [onReferral(3, 'PLO')] }),
    ];
    const ret = run(refs, [survivor, dup, dupOfDup]);
    expect(ret.populations.referred.fgcs).toBe(3);
    expect(ret.populations.referred.children).toBe(1);
    expect(ret.populations.referred.childIds).toEqual([1]);
    // Person characteristics from the surviving record; legal status from the earliest referral (which named the duplicate).
    expect(nonZero(ret, 'referred.children.sex')).toEqual({ M: 1 });
    expect(nonZero(ret, 'referred.children.ethnicity')).toEqual({ BAFR: 1 });
    expect(nonZero(ret, 'referred.children.legalStatus')).toEqual({ CIN: 1 });
  });

  it('counts a child once when both the duplicate and the survivor are on the same referral', () => {
    const survivor = makeChild({ id: 1 });
    const dup = makeChild({ id: 2, merged_into_id: 1 });
    const ret = run([makeReferral({ children: [onReferral(2, null), onReferral(1, 'CP')] })], [survivor, dup]);
    expect(ret.populations.referred.children).toBe(1);
    expect(nonZero(ret, 'referred.children.legalStatus')).toEqual({ CP: 1 });
  });
});

describe('consent', () => {
  it('keeps a consent that was later withdrawn in the consented population; the FGC then did not take place (WITHDRAWN)', () => {
    const child = makeChild({ id: 1 });
    const ref = makeReferral({
      id: 10, referral_date: '2023-05-01', offer_date: '2023-05-10', consent_decision: 'GIVEN', consent_date: '2023-05-20',
      consent_withdrawn_date: '2023-06-15', closure_date: '2023-07-01', children: [onReferral(1, 'CP')],
    });
    const ret = run([ref], [child]);
    expect(ret.populations.offered.fgcs).toBe(1);
    expect(ret.populations.consented.fgcs).toBe(1);
    expect(ret.populations.consented.children).toBe(1);
    expect(ret.populations.didNotTakePlace.fgcs).toBe(1);
    expect(nonZero(ret, 'didNotTakePlace.fgcs.notHeldReason')).toEqual({ WITHDRAWN: 1 });
    expect(ret.medians.referralToConsent).toBe(19);
  });

  it('counts consented, declined and no-response FGCs by stage, each in its own population', () => {
    const refs = [
      makeReferral({ id: 1, stage_offered: 'PLO', consent_decision: 'GIVEN', consent_date: '2023-06-01' }),
      makeReferral({ id: 2, stage_offered: 'PLO', consent_decision: 'GIVEN', consent_date: '2023-06-01' }),
      makeReferral({ id: 3, stage_offered: 'CP', consent_decision: 'DECLINED', consent_date: '2023-06-01', decline_reason: 'NOHELP' }),
      makeReferral({ id: 4, stage_offered: 'EH', consent_decision: 'NORESP', consent_date: '2023-06-01', decline_reason: 'OTH' }),
      makeReferral({ id: 5, stage_offered: 'EH', consent_decision: 'GIVEN', consent_date: '2024-06-01' }), // next year
      makeReferral({ id: 6, stage_offered: 'EH', consent_decision: null, consent_date: null }), // undecided
    ];
    const ret = run(refs, []);
    expect(ret.populations.consented.fgcs).toBe(2);
    expect(ret.populations.declined.fgcs).toBe(2);
    expect(ret.populations.declinedOnly.fgcs).toBe(1);
    expect(ret.populations.noResponse.fgcs).toBe(1);
    expect(nonZero(ret, 'consented.fgcs.stageOffered')).toEqual({ PLO: 2 });
    expect(nonZero(ret, 'declined.fgcs.stageOffered')).toEqual({ CP: 1, EH: 1 });
    expect(nonZero(ret, 'declinedOnly.fgcs.stageOffered')).toEqual({ CP: 1 });
    expect(nonZero(ret, 'noResponse.fgcs.stageOffered')).toEqual({ EH: 1 });
    expect(nonZero(ret, 'referred.fgcs.stageOffered')).toEqual({ PLO: 2, CP: 1, EH: 3 });
  });

  it('counts declined FGCs (declined or no response, decision date in the year) by decline reason', () => {
    const refs = [
      makeReferral({ id: 1, consent_decision: 'DECLINED', consent_date: '2023-05-05', decline_reason: 'DISTRUST' }),
      makeReferral({ id: 2, consent_decision: 'DECLINED', consent_date: '2024-03-31', decline_reason: 'DISTRUST' }),
      makeReferral({ id: 3, consent_decision: 'NORESP', consent_date: '2023-08-01', decline_reason: null }),
      makeReferral({ id: 4, consent_decision: 'DECLINED', consent_date: '2023-09-01', decline_reason: 'PRIVACY' }),
      makeReferral({ id: 5, consent_decision: 'DECLINED', consent_date: '2024-04-01', decline_reason: 'PRIVACY' }), // next year
      makeReferral({ id: 6, consent_decision: 'GIVEN', consent_date: '2023-09-01' }),
    ];
    const ret = run(refs, []);
    expect(ret.populations.declined.fgcs).toBe(4);
    const b = breakdown(ret, 'declined.fgcs.declineReason');
    expect(b.rows.map((r) => r.code)).toEqual(['DISTRUST', 'NOHELP', 'MISUNDER', 'ENOUGH', 'NONETWORK', 'PRIVACY', 'CAPACITY', 'PRACTICAL', 'OTH', 'NR']);
    expect(b.rows.map((r) => r.count)).toEqual([2, 0, 0, 0, 0, 1, 0, 0, 0, 1]);
    expect(rowIds(ret, 'declined.fgcs.declineReason', 'DISTRUST')).toEqual([1, 2]);
    expect(b.total).toBe(4);
  });
});

describe('episodes spanning years', () => {
  // Referred and consented in 2022-23; conference in 2023-24; a review in 2023-24 and one in 2024-25.
  const child = makeChild({ id: 1, date_of_birth: '2013-03-01' }); // 9 on 2023-02-15, 10 on 2023-04-10
  const ref = makeReferral({
    id: 10, referral_date: '2023-02-15', offer_date: '2023-02-20', consent_decision: 'GIVEN', consent_date: '2023-03-20',
    initial_fgc_date: '2023-04-10', plan_agreed: true, plan_date: '2023-04-10', review_dates: ['2023-07-10', '2024-04-10'],
    children: [onReferral(1, 'PLO')],
  });

  it('counts each population in the year of its own date', () => {
    const y22 = run([ref], [child], 2022);
    expect(y22.populations.referred.fgcs).toBe(1);
    expect(y22.populations.offered.fgcs).toBe(1);
    expect(y22.populations.consented.fgcs).toBe(1);
    expect(y22.populations.tookPlace.fgcs).toBe(0);
    expect(y22.populations.plansAgreed.fgcs).toBe(0);
    expect(y22.populations.reviews.meetings).toBe(0);

    const y23 = run([ref], [child], 2023);
    expect(y23.populations.referred.fgcs).toBe(0);
    expect(y23.populations.referred.children).toBe(0);
    expect(y23.populations.consented.fgcs).toBe(0);
    expect(y23.populations.tookPlace.fgcs).toBe(1);
    expect(y23.populations.tookPlace.children).toBe(1);
    expect(y23.populations.plansAgreed.fgcs).toBe(1);
    expect(y23.populations.reviews.meetings).toBe(1);

    const y24 = run([ref], [child], 2024);
    expect(y24.populations.tookPlace.fgcs).toBe(0);
    expect(y24.populations.reviews.meetings).toBe(1);
    expect(y24.populations.reviews.fgcs).toBe(1);
  });

  it('takes the age of a child at the conference population from the referral date, not the meeting date', () => {
    const y23 = run([ref], [child], 2023);
    expect(nonZero(y23, 'tookPlace.children.ageBand')).toEqual({ '5-9': 1 });
    expect(nonZero(y23, 'tookPlace.children.legalStatus')).toEqual({ PLO: 1 });
    // 2023-02-15 -> 2023-04-10: 13 days left in February, 31 in March, 10 in April = 54.
    expect(y23.medians.referralToInitialFgc).toBe(54);
    expect(y23.medians.referralToConsent).toBeNull();
  });
});

describe('FGCs that did not take place', () => {
  it('counts closures in the year with no initial FGC, by reason, filling in consent reasons when none is recorded', () => {
    const refs = [
      makeReferral({ id: 1, closure_date: '2023-06-01', fgc_not_held_reason: 'RISK', consent_decision: 'GIVEN', consent_date: '2023-05-10' }),
      makeReferral({ id: 2, closure_date: '2023-06-01', consent_decision: 'DECLINED', consent_date: '2023-05-10', decline_reason: 'NOHELP' }),
      makeReferral({ id: 3, closure_date: '2023-06-01', consent_decision: 'NORESP', consent_date: '2023-05-10' }),
      makeReferral({ id: 4, closure_date: '2023-06-01', consent_decision: 'GIVEN', consent_date: '2023-05-10', consent_withdrawn_date: '2023-05-20' }),
      makeReferral({ id: 5, closure_date: '2023-06-01', consent_decision: 'GIVEN', consent_date: '2023-05-10' }), // no reason at all
      makeReferral({ id: 6, closure_date: '2023-06-01', consent_decision: 'DECLINED', consent_date: '2023-05-10', fgc_not_held_reason: 'NETWORK' }),
      makeReferral({ id: 7, closure_date: '2023-06-01', initial_fgc_date: '2023-03-01' }), // held (last year): not counted
      makeReferral({ id: 8, closure_date: '2024-06-01', fgc_not_held_reason: 'MOVED' }), // closed next year
      makeReferral({ id: 9, closure_date: null, fgc_not_held_reason: 'MOVED' }), // still open
    ];
    const ret = run(refs, []);
    expect(ret.populations.didNotTakePlace.fgcs).toBe(6);
    expect(nonZero(ret, 'didNotTakePlace.fgcs.notHeldReason')).toEqual({ RISK: 1, NOCONSENT: 2, WITHDRAWN: 1, NETWORK: 1, NR: 1 });
    expect(rowIds(ret, 'didNotTakePlace.fgcs.notHeldReason', 'NOCONSENT')).toEqual([2, 3]);
    const b = breakdown(ret, 'didNotTakePlace.fgcs.notHeldReason');
    expect(b.rows[0]).toMatchObject({ code: 'NOCONSENT', label: 'Consent not given' });
    expect(b.rows.at(-1)).toMatchObject({ code: 'NR', label: 'Not recorded' });
  });
});

describe('medians', () => {
  const consented = (id: number, days: number) => {
    const d = new Date(Date.UTC(2023, 4, 1) + days * 86_400_000).toISOString().slice(0, 10);
    return makeReferral({ id, referral_date: '2023-05-01', consent_decision: 'GIVEN', consent_date: d });
  };

  it('takes the middle value of an odd count', () => {
    expect(run([consented(1, 40), consented(2, 10), consented(3, 20)], []).medians.referralToConsent).toBe(20);
  });

  it('takes the mean of the two middle values of an even count', () => {
    // sorted 10, 20, 31, 40 -> (20 + 31) / 2
    expect(run([consented(1, 40), consented(2, 10), consented(3, 20), consented(4, 31)], []).medians.referralToConsent).toBe(25.5);
  });

  it('is null when there is nothing to measure', () => {
    const ret = run([makeReferral({ id: 1 })], []);
    expect(ret.medians).toEqual({ referralToConsent: null, referralToInitialFgc: null });
  });

  it('measures referral to initial FGC over the FGCs that took place in the year only', () => {
    const refs = [
      makeReferral({ id: 1, referral_date: '2023-05-01', initial_fgc_date: '2023-05-11' }), // 10
      makeReferral({ id: 2, referral_date: '2023-05-01', initial_fgc_date: '2023-05-31' }), // 30
      makeReferral({ id: 3, referral_date: '2023-01-01', initial_fgc_date: '2023-03-31' }), // last year
    ];
    expect(run(refs, []).medians.referralToInitialFgc).toBe(20);
  });
});

describe('missing and unknown values', () => {
  it('puts missing values under Not recorded', () => {
    const child = makeChild({ id: 1, sex: null, ethnicity: null, disabilities: [], date_of_birth: null });
    const ref = makeReferral({ id: 10, stage_offered: null, referral_source: '', children: [onReferral(1, null)] });
    const ret = run([ref], [child]);
    for (const key of [
      'referred.children.ageBand', 'referred.children.sex', 'referred.children.ethnicityGroup', 'referred.children.ethnicity',
      'referred.children.disability', 'referred.children.legalStatus',
    ]) {
      expect(nonZero(ret, key), key).toEqual({ NR: 1 });
    }
    expect(nonZero(ret, 'referred.fgcs.stageOffered')).toEqual({ NR: 1 });
    expect(nonZero(ret, 'referred.fgcs.referralSource')).toEqual({ NR: 1 });
  });

  it('keeps a value that is not in the code list in its own row', () => {
    const child = makeChild({ id: 1, ethnicity: 'XXXX', sex: 'X' });
    const other = makeChild({ id: 2, ethnicity: 'WBRI' });
    const ref = makeReferral({ id: 10, stage_offered: 'ZZ', referral_source: 'SW', children: [onReferral(1, 'LOCAL1'), onReferral(2, 'CP')] });
    const ret = run([ref], [child, other]);
    expect(nonZero(ret, 'referred.children.ethnicity')).toEqual({ XXXX: 1, WBRI: 1 });
    expect(nonZero(ret, 'referred.children.ethnicityGroup')).toEqual({ UNGROUPED: 1, White: 1 });
    expect(nonZero(ret, 'referred.children.sex')).toEqual({ X: 1, F: 1 });
    expect(nonZero(ret, 'referred.children.legalStatus')).toEqual({ LOCAL1: 1, CP: 1 });
    expect(nonZero(ret, 'referred.fgcs.stageOffered')).toEqual({ ZZ: 1 });
    const stage = breakdown(ret, 'referred.fgcs.stageOffered');
    // list codes, then the unknown code, then Not recorded last
    expect(stage.rows.map((r) => r.code)).toEqual(['EH', 'CIN', 'CP', 'PLO', 'PROC', 'LAC', 'OTH', 'ZZ', 'NR']);
    expect(stage.total).toBe(1);
  });

  it('lists local and retired codes from the supplied code lists', () => {
    const local = { ...codes, stage_offered: [...codes.stage_offered, { code: 'LOC', label: 'Local stage', retired: true }] };
    const ret = computeReturn({ year: 2023, referrals: [makeReferral({ id: 1, stage_offered: 'LOC' })], children: [], codes: local });
    const row = breakdown(ret, 'referred.fgcs.stageOffered').rows.find((r) => r.code === 'LOC');
    expect(row).toMatchObject({ label: 'Local stage', count: 1, ids: [1] });
  });

  it('counts a child whose record is missing from the input under Not recorded rather than dropping it', () => {
    const ret = run([makeReferral({ id: 1, children: [onReferral(99, 'CP')] })], []);
    expect(ret.populations.referred.children).toBe(1);
    expect(nonZero(ret, 'referred.children.ageBand')).toEqual({ NR: 1 });
    expect(nonZero(ret, 'referred.children.legalStatus')).toEqual({ CP: 1 });
  });
});

describe('child characteristics', () => {
  it('reports disability as Disabled (any code but NONE), Not disabled (NONE only) or Not recorded (none)', () => {
    const kids = [
      makeChild({ id: 1, disabilities: ['NONE'] }),
      makeChild({ id: 2, disabilities: ['AUT', 'LD'] }),
      makeChild({ id: 3, disabilities: [] }),
      makeChild({ id: 4, disabilities: ['LOCALDIS'] }),
      makeChild({ id: 5, disabilities: ['NONE'] }),
    ];
    const ret = run([makeReferral({ children: kids.map((k) => onReferral(k)) })], kids);
    const b = breakdown(ret, 'referred.children.disability');
    expect(b.rows.map((r) => [r.label, r.count])).toEqual([['Disabled', 2], ['Not disabled', 2], ['Not recorded', 1]]);
    expect(rowIds(ret, 'referred.children.disability', 'DISABLED')).toEqual([2, 4]);
  });

  it('groups ethnicity by major group from the code list, Chinese under Other, in survey order', () => {
    const eth = ['WBRI', 'WROM', 'MWBA', 'APKN', 'CHNE', 'BCRB', 'OOTH', 'REFU', 'NOBT'];
    const kids = eth.map((e, i) => makeChild({ id: i + 1, ethnicity: e }));
    const ret = run([makeReferral({ children: kids.map((k) => onReferral(k)) })], kids);
    const b = breakdown(ret, 'referred.children.ethnicityGroup');
    expect(b.rows.map((r) => [r.label, r.count])).toEqual([
      ['White', 2], ['Mixed', 1], ['Asian', 1], ['Black', 1], ['Other', 2], ['Refused / not obtained', 2], ['Not recorded', 0],
    ]);
    expect(breakdown(ret, 'referred.children.ethnicity').rows.length).toBe(21); // 20 codes + Not recorded
  });

  it('lists every code of each code list in list order with Not recorded last, zero counts included', () => {
    const ret = run([], []);
    const listFor: Record<string, string> = {
      'referred.children.sex': 'sex', 'referred.children.ethnicity': 'ethnicity', 'referred.children.legalStatus': 'legal_status',
      'referred.fgcs.stageOffered': 'stage_offered', 'referred.fgcs.referralSource': 'referral_source',
      'declined.fgcs.declineReason': 'decline_reason', 'didNotTakePlace.fgcs.notHeldReason': 'not_held_reason',
      'tookPlace.children.legalStatus': 'legal_status', 'consented.children.sex': 'sex',
    };
    for (const [key, list] of Object.entries(listFor)) {
      const b = breakdown(ret, key);
      expect(b.rows.map((r) => r.code), key).toEqual([...codes[list].map((c) => c.code), 'NR']);
      expect(b.rows.map((r) => r.label), key).toEqual([...codes[list].map((c) => c.label), 'Not recorded']);
      expect(b.total).toBe(0);
    }
  });
});

describe('meetings', () => {
  it('summarises attendance at initial FGCs held in the year', () => {
    const refs = [
      makeReferral({
        id: 1, initial_fgc_date: '2023-06-01', child_participation: 'ATTENDED', advocate_used: true, interpreter_used: false,
        private_family_time: true, attend_parents: 2, attend_maternal: 3, attend_paternal: 1, attend_friends: 0, attend_professionals: 4,
        plan_agreed: true,
      }),
      makeReferral({
        id: 2, initial_fgc_date: '2023-07-01', child_participation: 'NOTINV', advocate_used: false, interpreter_used: true,
        private_family_time: true, attend_parents: 1, attend_maternal: null, attend_paternal: null, attend_friends: 1,
        plan_agreed: false,
      }),
      makeReferral({
        id: 3, initial_fgc_date: '2023-08-01', child_participation: 'OTHERWAY', advocate_used: null, interpreter_used: null,
        private_family_time: false, attend_professionals: 3, plan_agreed: null,
      }),
      makeReferral({ id: 4, initial_fgc_date: '2023-09-01', child_participation: null, advocate_used: true, plan_agreed: true }),
      // held last year: none of its answers count
      makeReferral({ id: 5, initial_fgc_date: '2023-03-01', child_participation: 'ATTENDED', advocate_used: true, attend_parents: 10, plan_agreed: true }),
    ];
    const ret = run(refs, []);
    const a = ret.attendance;
    expect(a.meetings).toBe(4);
    expect(a.childParticipated).toEqual({ count: 2, ids: [1, 3], notRecorded: 1 });
    expect(a.advocateUsed).toEqual({ count: 2, ids: [1, 4], notRecorded: 1 });
    expect(a.interpreterUsed).toEqual({ count: 1, ids: [2], notRecorded: 2 });
    expect(a.privateFamilyTime).toEqual({ count: 2, ids: [1, 2], notRecorded: 1 });
    // family attendance recorded at meetings 1 (2+3+1+0 = 6) and 2 (1+1 = 2); professionals not counted
    expect(a.meetingsWithAttendance).toBe(2);
    expect(a.familyMembers).toBe(8);
    expect(a.meanFamilyMembers).toBe(4);
    expect(ret.populations.plansAgreed.fgcs).toBe(2);
    expect(ret.populations.plansAgreed.fgcIds).toEqual([1, 4]);
  });

  it('has no mean family attendance when none is recorded', () => {
    expect(run([makeReferral({ initial_fgc_date: '2023-06-01' })], []).attendance.meanFamilyMembers).toBeNull();
  });

  it('counts review FGCs from review dates in the year, a repeated date once', () => {
    const refs = [
      makeReferral({ id: 1, initial_fgc_date: '2023-05-01', review_dates: ['2023-08-01', '2023-11-01', '2023-11-01', '2024-05-01'] }),
      makeReferral({ id: 2, initial_fgc_date: '2022-05-01', review_dates: ['2023-04-01'] }),
      makeReferral({ id: 3, initial_fgc_date: '2022-05-01', review_dates: ['2023-03-31'] }),
    ];
    const ret = run(refs, []);
    expect(ret.populations.reviews.meetings).toBe(3);
    expect(ret.populations.reviews.fgcs).toBe(2);
    expect(ret.populations.tookPlace.fgcs).toBe(1);
  });

  it('counts initial FGCs held by stage, and the distinct children involved', () => {
    const kids = [makeChild({ id: 1 }), makeChild({ id: 2 }), makeChild({ id: 3 })];
    const refs = [
      makeReferral({ id: 1, stage_offered: 'PLO', initial_fgc_date: '2023-06-01', children: [onReferral(1, 'PLO'), onReferral(2, 'PLO')] }),
      makeReferral({ id: 2, stage_offered: 'CP', initial_fgc_date: '2023-09-01', children: [onReferral(2, 'CP'), onReferral(3, 'CP')] }),
    ];
    const ret = run(refs, kids);
    expect(ret.populations.tookPlace.fgcs).toBe(2);
    expect(ret.populations.tookPlace.children).toBe(3);
    expect(nonZero(ret, 'tookPlace.fgcs.stageOffered')).toEqual({ PLO: 1, CP: 1 });
    expect(nonZero(ret, 'tookPlace.children.legalStatus')).toEqual({ PLO: 2, CP: 1 });
  });
});

describe('reconcile', () => {
  const kids = [makeChild({ id: 1 }), makeChild({ id: 2 })];
  const refs = [makeReferral({ id: 1, stage_offered: 'CP', children: [onReferral(1, 'CP'), onReferral(2, 'CP')] })];

  it('reports a breakdown whose row counts were changed', () => {
    const ret = computeReturn({ year: 2023, referrals: refs, children: kids, codes });
    expect(reconcile(ret)).toEqual([]);
    const b = ret.breakdowns['referred.children.sex'];
    b.rows[0].count += 1; // rows no longer match their ids, their total or the population
    const problems = reconcile(ret);
    expect(problems.length).toBeGreaterThan(0);
    expect(problems.every((p) => p.includes('referred.children.sex'))).toBe(true);
  });

  it('reports a breakdown that no longer matches its population', () => {
    const ret = computeReturn({ year: 2023, referrals: refs, children: kids, codes });
    const b = ret.breakdowns['referred.fgcs.stageOffered'];
    const row = b.rows.find((r) => r.code === 'CP')!;
    row.ids = [];
    row.count = 0;
    b.total = 0;
    expect(reconcile(ret)).toEqual([expect.stringMatching(/referred\.fgcs\.stageOffered.*population.*1 FGCs/)]);
  });

  it('reports a population changed under its breakdowns', () => {
    const ret = computeReturn({ year: 2023, referrals: refs, children: kids, codes });
    ret.populations.referred.children = 3;
    // all six child breakdowns of the referred population
    expect(reconcile(ret).length).toBe(6);
  });
});
