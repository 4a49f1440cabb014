// The annual return's figures: pure counting over plain case data, following the counting
// rules in shared/domain.md. One pass over the referrals, Maps keyed by id, nothing O(n^2).
import type { Child, Referral, ReferralChild } from '../cases/types.js';
import { financialYear, inRange } from '../common/dates.js';
import { daysFrom } from './day-number.js';
import { AGE_BANDS, ageBand } from './age-bands.js';
import {
  NR,
  Tally,
  codeOf,
  finishBreakdown,
  listRows,
  unknownCodeLabel,
  type Breakdown,
  type BreakdownUnit,
  type CodeLists,
  type RowSpec,
} from './breakdowns.js';
import { median } from './median.js';
import { childBreakdowns, childCoding, disabilityCodeOf, legalStatusCodeOf, type ChildDimension, type ChildPopulationKey } from './child-breakdowns.js';

export type { Breakdown, BreakdownRow, BreakdownUnit, CodeEntry, CodeLists } from './breakdowns.js';
export { AGE_BANDS, ageBand } from './age-bands.js';
export { median } from './median.js';
export { CHILD_DIMENSIONS, DISABILITY_ROWS, ETHNICITY_GROUPS, NOT_KNOWN_TO_CSC, UNGROUPED, type ChildDimension } from './child-breakdowns.js';

export interface ReturnInput {
  /** Start year of the financial year: 2023 => 2023-04-01..2024-03-31. */
  year: number;
  /** Any other period (the insight pages' quarters and date ranges); defaults to the financial year. */
  period?: { from: string; to: string; label: string };
  referrals: Referral[];
  children: Child[];
  codes: CodeLists;
  /** false leaves out the children's breakdowns (characteristics), most of the work, for a caller that reads none (default true) */
  childBreakdowns?: boolean;
}

export type PopulationKey =
  | 'referred'
  | 'offered'
  | 'consented'
  | 'declined'
  | 'declinedOnly'
  | 'noResponse'
  | 'tookPlace'
  | 'reviews'
  | 'didNotTakePlace'
  | 'plansAgreed';

export interface Population {
  key: PopulationKey;
  title: string;
  /** Number of FGCs (referrals) in the population. */
  fgcs: number;
  fgcIds: number[];
  /** Distinct children (merged duplicates resolved to the surviving record); null where the return does not count children. */
  children: number | null;
  childIds: number[] | null;
  /** Only for 'reviews': review meetings held in the year (an FGC may have several). */
  meetings?: number;
}

export interface AttendanceFlag {
  /** Initial FGCs held in the year where the answer is yes. */
  count: number;
  ids: number[];
  /** Initial FGCs held in the year with no answer recorded. */
  notRecorded: number;
}

export interface Attendance {
  /** Initial FGCs held in the year (= populations.tookPlace.fgcs). */
  meetings: number;
  /** Child attended in person or gave views (ATTENDED, ADVOCATE, OTHERWAY). */
  childParticipated: AttendanceFlag;
  advocateUsed: AttendanceFlag;
  interpreterUsed: AttendanceFlag;
  privateFamilyTime: AttendanceFlag;
  /** Meetings with at least one of parents / maternal / paternal / friends recorded. */
  meetingsWithAttendance: number;
  /** Sum of parents + maternal + paternal + friends over those meetings (blanks count 0). */
  familyMembers: number;
  /** familyMembers / meetingsWithAttendance; null when no meeting has attendance recorded. */
  meanFamilyMembers: number | null;
}

export interface Medians {
  /** Median days referral -> consent over FGCs consented in the year. */
  referralToConsent: number | null;
  /** Median days referral -> initial FGC over FGCs that took place in the year. */
  referralToInitialFgc: number | null;
}

export interface AnnualReturn {
  year: number;
  period: { from: string; to: string; label: string };
  populations: Record<PopulationKey, Population>;
  medians: Medians;
  attendance: Attendance;
  /** Keyed by Breakdown.key, in presentation order. */
  breakdowns: Record<string, Breakdown>;
}

export const NOT_HELD_NO_CONSENT = 'NOCONSENT';
export const NOT_HELD_WITHDRAWN = 'WITHDRAWN';

const FALLBACK_LABELS: Record<string, Record<string, string>> = {
  not_held_reason: { NOCONSENT: 'Consent not given', WITHDRAWN: 'Consent withdrawn after it was given' },
};

const PARTICIPATED = new Set(['ATTENDED', 'ADVOCATE', 'OTHERWAY']);

const POPULATION_TITLES: Record<PopulationKey, string> = {
  referred: 'Referrals received (FGCs) and children subject to a referral',
  offered: 'FGCs offered',
  consented: 'FGCs consented to and children in them',
  declined: 'FGCs declined (declined or no response)',
  declinedOnly: 'FGCs declined (excluding no response)',
  noResponse: 'FGCs with no response to the offer',
  tookPlace: 'Initial FGCs that took place and children involved',
  reviews: 'Review FGCs held',
  didNotTakePlace: 'FGCs that did not take place (closed without an initial FGC)',
  plansAgreed: 'Plans agreed at initial FGCs',
};

/** A child population: surviving child id -> the earliest referral putting the child in it. */
type ChildPopulation = Map<number, Referral>;

const NO_DATE = '9999-12-31';

/**
 * Earlier by referral date, then by the lower referral reference (domain.md, decided edge cases):
 * never by id or input order, so the same cases give the same return in any database.
 */
export function isEarlier(a: Referral, b: Referral): boolean {
  const da = a.referral_date || NO_DATE;
  const db = b.referral_date || NO_DATE;
  return da < db || (da === db && a.referral_ref < b.referral_ref);
}

/**
 * Surviving id of every merged child record, following merged_into_id chains
 * (a chain that loops resolves to the smallest id in the loop). Children not merged are absent.
 */
function survivors(children: readonly Child[], byId: Map<number, Child>): Map<number, number> {
  const out = new Map<number, number>();
  for (const c of children) {
    if (c.merged_into_id === null || c.merged_into_id === undefined || c.merged_into_id === c.id || out.has(c.id)) continue;
    const path: number[] = [c.id];
    let cur = c.id;
    let result: number;
    for (;;) {
      const next = byId.get(cur)?.merged_into_id;
      if (next === null || next === undefined || next === cur) {
        result = cur;
        break;
      }
      const done = out.get(next);
      if (done !== undefined) {
        result = done;
        break;
      }
      const loop = path.indexOf(next);
      if (loop >= 0) {
        result = Math.min(...path.slice(loop));
        break;
      }
      path.push(next);
      cur = next;
    }
    for (const id of path) if (id !== result) out.set(id, result);
  }
  return out;
}

function addChildren(pop: ChildPopulation, r: Referral, resolve: (id: number) => number): void {
  const rows: ReferralChild[] | undefined = r.children;
  if (!rows) return;
  for (let i = 0; i < rows.length; i++) {
    const childId = rows[i]?.child_id;
    if (childId === null || childId === undefined) continue;
    const id = resolve(childId);
    const first = pop.get(id);
    if (first === undefined || isEarlier(r, first)) pop.set(id, r);
  }
}

/**
 * The child's row on its earliest referral: the legal status recorded there (a row with a status is
 * preferred when the same person appears twice, e.g. a duplicate and its survivor) and the id as written.
 */
function rowOn(r: Referral, id: number, resolve: (id: number) => number): { status: string | null; rowChildId: number } {
  let rowChildId = id;
  let found = false;
  for (const row of r.children) {
    if (!row || row.child_id === null || row.child_id === undefined || resolve(row.child_id) !== id) continue;
    const status = row.legal_status && row.legal_status.trim() ? row.legal_status : null;
    if (status !== null) return { status, rowChildId: row.child_id };
    if (!found) {
      found = true;
      rowChildId = row.child_id;
    }
  }
  return { status: null, rowChildId };
}

function notHeldReason(r: Referral): string {
  const recorded = codeOf(r.fgc_not_held_reason);
  if (recorded !== NR) return recorded;
  if (r.consent_decision === 'DECLINED' || r.consent_decision === 'NORESP') return NOT_HELD_NO_CONSENT;
  if (r.consent_withdrawn_date) return NOT_HELD_WITHDRAWN;
  return NR;
}

function labeller(list: string): (code: string) => string {
  const fallback = FALLBACK_LABELS[list] ?? {};
  return (code) => (Object.hasOwn(fallback, code) ? fallback[code] : unknownCodeLabel(code));
}

const isCount = (n: number | null | undefined): n is number => typeof n === 'number' && Number.isFinite(n);

class Flag {
  ids: number[] = [];
  notRecorded = 0;
  add(id: number, value: boolean | null | undefined): void {
    if (value === true) this.ids.push(id);
    else if (value === null || value === undefined) this.notRecorded++;
  }
  done(): AttendanceFlag {
    return { count: this.ids.length, ids: this.ids, notRecorded: this.notRecorded };
  }
}

export function computeReturn(input: ReturnInput): AnnualReturn {
  const { year, referrals, children, codes } = input;
  const fy = input.period ?? financialYear(year);

  const byId = new Map<number, Child>();
  for (const c of children) byId.set(c.id, c);
  const merged = survivors(children, byId);
  const resolve = merged.size === 0 ? (id: number) => id : (id: number) => merged.get(id) ?? id;

  // FGC populations
  const referredIds: number[] = [];
  const offeredIds: number[] = [];
  const consentedIds: number[] = [];
  const declinedIds: number[] = [];
  const declinedOnlyIds: number[] = [];
  const noResponseIds: number[] = [];
  const tookPlaceIds: number[] = [];
  const reviewIds: number[] = [];
  let reviewMeetings = 0;
  const notTookPlaceIds: number[] = [];
  const plansAgreedIds: number[] = [];

  // child populations: surviving child id -> earliest referral
  const referredChildren = new Map<number, Referral>();
  const consentedChildren = new Map<number, Referral>();
  const tookPlaceChildren = new Map<number, Referral>();

  // FGC tallies
  const referredStage = new Tally();
  const referredSource = new Tally();
  const consentedStage = new Tally();
  const declinedStage = new Tally();
  const declinedOnlyStage = new Tally();
  const noResponseStage = new Tally();
  const declineReason = new Tally();
  const tookPlaceStage = new Tally();
  const notHeld = new Tally();

  const consentDays: number[] = [];
  const fgcDays: number[] = [];

  const participated = new Flag();
  const advocate = new Flag();
  const interpreter = new Flag();
  const privateTime = new Flag();
  let meetingsWithAttendance = 0;
  let familyMembers = 0;

  for (const r of referrals) {
    const id = r.id;
    if (inRange(r.referral_date, fy)) {
      referredIds.push(id);
      referredStage.add(codeOf(r.stage_offered), id);
      referredSource.add(codeOf(r.referral_source), id);
      addChildren(referredChildren, r, resolve);
    }

    if (inRange(r.offer_date, fy)) offeredIds.push(id);

    if (inRange(r.consent_date, fy)) {
      const decision = r.consent_decision;
      if (decision === 'GIVEN') {
        // Later withdrawal does not remove it from the consented population.
        consentedIds.push(id);
        consentedStage.add(codeOf(r.stage_offered), id);
        addChildren(consentedChildren, r, resolve);
        const d = daysFrom(r.referral_date, r.consent_date!);
        if (d !== null) consentDays.push(d);
      } else if (decision === 'DECLINED' || decision === 'NORESP') {
        const stage = codeOf(r.stage_offered);
        declinedIds.push(id);
        declinedStage.add(stage, id);
        declineReason.add(codeOf(r.decline_reason), id);
        if (decision === 'DECLINED') {
          declinedOnlyIds.push(id);
          declinedOnlyStage.add(stage, id);
        } else {
          noResponseIds.push(id);
          noResponseStage.add(stage, id);
        }
      }
    }

    if (inRange(r.initial_fgc_date, fy)) {
      tookPlaceIds.push(id);
      tookPlaceStage.add(codeOf(r.stage_offered), id);
      addChildren(tookPlaceChildren, r, resolve);
      const d = daysFrom(r.referral_date, r.initial_fgc_date!);
      if (d !== null) fgcDays.push(d);
      if (r.plan_agreed === true) plansAgreedIds.push(id);

      const part = codeOf(r.child_participation);
      if (PARTICIPATED.has(part)) participated.ids.push(id);
      else if (part === NR) participated.notRecorded++;
      advocate.add(id, r.advocate_used);
      interpreter.add(id, r.interpreter_used);
      privateTime.add(id, r.private_family_time);
      const pa = r.attend_parents, ma = r.attend_maternal, pt = r.attend_paternal, fr = r.attend_friends;
      if (isCount(pa) || isCount(ma) || isCount(pt) || isCount(fr)) {
        meetingsWithAttendance++;
        familyMembers += (isCount(pa) ? pa : 0) + (isCount(ma) ? ma : 0) + (isCount(pt) ? pt : 0) + (isCount(fr) ? fr : 0);
      }
    } else if (!r.initial_fgc_date && inRange(r.closure_date, fy)) {
      notTookPlaceIds.push(id);
      notHeld.add(notHeldReason(r), id);
    }

    const reviews = r.review_dates;
    if (reviews && reviews.length > 0) {
      let held = 0;
      if (reviews.length === 1) {
        if (inRange(reviews[0], fy)) held = 1;
      } else {
        // The same date entered twice is one meeting.
        const dates = new Set<string>();
        for (const d of reviews) if (inRange(d, fy)) dates.add(d);
        held = dates.size;
      }
      if (held > 0) {
        reviewIds.push(id);
        reviewMeetings += held;
      }
    }
  }

  const fgcPop = (key: PopulationKey, ids: number[]): Population => ({
    key,
    title: POPULATION_TITLES[key],
    fgcs: ids.length,
    fgcIds: ids,
    children: null,
    childIds: null,
  });
  const childPop = (key: PopulationKey, ids: number[], kids: ChildPopulation): Population => {
    const childIds = Array.from(kids.keys());
    return { ...fgcPop(key, ids), children: childIds.length, childIds };
  };

  const populations: Record<PopulationKey, Population> = {
    referred: childPop('referred', referredIds, referredChildren),
    offered: fgcPop('offered', offeredIds),
    consented: childPop('consented', consentedIds, consentedChildren),
    declined: fgcPop('declined', declinedIds),
    declinedOnly: fgcPop('declinedOnly', declinedOnlyIds),
    noResponse: fgcPop('noResponse', noResponseIds),
    tookPlace: childPop('tookPlace', tookPlaceIds, tookPlaceChildren),
    reviews: { ...fgcPop('reviews', reviewIds), meetings: reviewMeetings },
    didNotTakePlace: fgcPop('didNotTakePlace', notTookPlaceIds),
    plansAgreed: fgcPop('plansAgreed', plansAgreedIds),
  };

  // Row specifications
  const stageRows = listRows(codes, 'stage_offered');
  const stageLabel = labeller('stage_offered');
  const coding = childCoding(codes);

  const breakdowns: Record<string, Breakdown> = {};
  const put = (
    population: PopulationKey,
    unit: BreakdownUnit,
    dimension: string,
    title: string,
    spec: RowSpec[],
    tally: Tally,
    unknownLabel?: (code: string) => string,
  ) => {
    const key = `${population}.${unit}.${dimension}`;
    breakdowns[key] = finishBreakdown({ key, title, population, unit }, spec, tally, unknownLabel);
  };

  const countChildren = (population: ChildPopulationKey, kids: ChildPopulation) => {
    if (input.childBreakdowns === false) return;
    const t: Record<ChildDimension, Tally> = {
      ageBand: new Tally(),
      sex: new Tally(),
      ethnicityGroup: new Tally(),
      ethnicity: new Tally(),
      disability: new Tally(),
      legalStatus: new Tally(),
    };
    for (const [id, referral] of kids) {
      const { status, rowChildId } = rowOn(referral, id, resolve);
      const child = byId.get(id) ?? byId.get(rowChildId);
      t.ageBand.add(child ? ageBand(child.date_of_birth, child.expected_date_of_birth, referral.referral_date) : NR, id);
      t.sex.add(codeOf(child?.sex), id);
      const eth = codeOf(child?.ethnicity);
      t.ethnicity.add(eth, id);
      t.ethnicityGroup.add(coding.groupOf(eth), id);
      t.disability.add(disabilityCodeOf(child?.disabilities), id);
      t.legalStatus.add(legalStatusCodeOf(status, child), id);
    }
    Object.assign(breakdowns, childBreakdowns(population, t, coding));
  };

  // Referrals sheet
  countChildren('referred', referredChildren);
  put('referred', 'fgcs', 'stageOffered', 'FGCs referred, by stage offered', stageRows, referredStage, stageLabel);
  put('referred', 'fgcs', 'referralSource', 'FGCs referred, by referral source', listRows(codes, 'referral_source'), referredSource);
  // Consent sheet
  put('consented', 'fgcs', 'stageOffered', 'FGCs consented to, by stage offered', stageRows, consentedStage, stageLabel);
  put('declined', 'fgcs', 'stageOffered', 'FGCs declined or with no response, by stage offered', stageRows, declinedStage, stageLabel);
  put('declinedOnly', 'fgcs', 'stageOffered', 'FGCs declined (excluding no response), by stage offered', stageRows, declinedOnlyStage, stageLabel);
  put('noResponse', 'fgcs', 'stageOffered', 'FGCs with no response, by stage offered', stageRows, noResponseStage, stageLabel);
  countChildren('consented', consentedChildren);
  put('declined', 'fgcs', 'declineReason', 'FGCs declined or with no response, by reason consent was not given', listRows(codes, 'decline_reason'), declineReason);
  // Meetings sheet
  put('tookPlace', 'fgcs', 'stageOffered', 'Initial FGCs held, by stage offered', stageRows, tookPlaceStage, stageLabel);
  countChildren('tookPlace', tookPlaceChildren);
  put('didNotTakePlace', 'fgcs', 'notHeldReason', 'FGCs that did not take place, by reason', listRows(codes, 'not_held_reason'), notHeld, labeller('not_held_reason'));

  return {
    year,
    period: fy,
    populations,
    medians: { referralToConsent: median(consentDays), referralToInitialFgc: median(fgcDays) },
    attendance: {
      meetings: tookPlaceIds.length,
      childParticipated: participated.done(),
      advocateUsed: advocate.done(),
      interpreterUsed: interpreter.done(),
      privateFamilyTime: privateTime.done(),
      meetingsWithAttendance,
      familyMembers,
      meanFamilyMembers: meetingsWithAttendance > 0 ? familyMembers / meetingsWithAttendance : null,
    },
    breakdowns,
  };
}

/**
 * Every breakdown whose rows do not add up: rows that do not sum to the stated total, a total that
 * differs from the population it breaks down, or a row whose count differs from its ids. [] when all good.
 */
export function reconcile(ret: AnnualReturn): string[] {
  const problems: string[] = [];
  for (const b of Object.values(ret.breakdowns)) {
    const name = `${b.title} [${b.key}]`;
    const pop = (ret.populations as Record<string, Population | undefined>)[b.population];
    let sum = 0;
    for (const row of b.rows) {
      sum += row.count;
      if (row.ids.length !== row.count) {
        problems.push(`${name}: row "${row.label}" shows ${row.count} but lists ${row.ids.length} ids`);
      }
    }
    if (sum !== b.total) problems.push(`${name}: rows sum to ${sum} but the total is ${b.total}`);
    if (!pop) {
      problems.push(`${name}: unknown population "${b.population}"`);
      continue;
    }
    const expected = b.unit === 'children' ? pop.children : pop.fgcs;
    if (expected === null) {
      problems.push(`${name}: population "${b.population}" has no ${b.unit} count`);
    } else if (sum !== expected) {
      problems.push(`${name}: rows sum to ${sum} but the population (${pop.title}) is ${expected} ${b.unit === 'children' ? 'children' : 'FGCs'}`);
    }
  }
  return problems;
}
