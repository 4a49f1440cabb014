// The shapes of the annual return: what computeReturn takes and gives (counting.ts composes the
// populations/ modules into an AnnualReturn).
import type { Child, Referral } from '../cases/types.js';
import type { Breakdown, CodeLists } from './breakdowns.js';

export type Period = { from: string; to: string; label: string };

export interface ReturnInput {
  /** Start year of the financial year: 2023 => 2023-04-01..2024-03-31. */
  year: number;
  /** Any other period (the insight pages' quarters and date ranges); defaults to the financial year. */
  period?: Period;
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
  period: Period;
  populations: Record<PopulationKey, Population>;
  medians: Medians;
  attendance: Attendance;
  /** Keyed by Breakdown.key, in presentation order. */
  breakdowns: Record<string, Breakdown>;
}
