// Demo data: plausible, entirely invented FGC case records for trying the tool out,
// for training and for benchmarks. Pure apart from the PRNG state it carries: the same
// options (seed, count, reference date, start ids, coordinators) give the same rows.
//
// Nothing here comes from real people: names are combined from short built-in lists.
//
// Deliberate data-quality problems: about 0.5% of referrals carry one problem on purpose
// (see ProblemKind). Their referral_ref ends in DQ_SUFFIX ('-DQ') and each is listed in
// the bundle's `problems`. Every other referral is clean: its dates follow the stage
// order, every code is in the seeded code lists, every child is under 18 on it.
// Duplicate children (about 0.5%) are the same child recorded twice in one family, with
// a spelling variant of the first name and the same date of birth, on different
// referrals; they are listed in `duplicates` and their refs are not marked.

import { addMonths, todayIso as localToday } from '../common/dates.js';

// ---------------------------------------------------------------- random numbers

/** mulberry32: a small, fast, seedable 32-bit PRNG; returns floats in [0, 1). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** FNV-1a hash of the seed's text, so '1', 1 and 'north-demo' are all usable seeds. */
export function hashSeed(seed: string | number): number {
  const s = String(seed);
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** Reference prefix for a seed: 'DEMO1-' for seed 1; short alphanumeric seeds are used as they are. */
export function demoRefPrefix(seed: string | number): string {
  const s = String(seed);
  return /^[A-Za-z0-9]{1,16}$/.test(s) ? `DEMO${s}-` : `DEMO${hashSeed(s).toString(16).padStart(8, '0')}-`;
}

class Rng {
  readonly next: () => number;
  constructor(seed: number) {
    this.next = mulberry32(seed);
  }
  /** integer in [lo, hi] */
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  pick<T>(xs: readonly T[]): T {
    return xs[Math.floor(this.next() * xs.length)];
  }
  /** roughly bell-shaped integer in [lo, hi] around their middle (mean of two uniforms) */
  hump(lo: number, hi: number): number {
    return lo + Math.floor(((this.next() + this.next()) / 2) * (hi - lo + 1));
  }
  /** small non-negative count with the given mean (Poisson by inversion), capped */
  count(mean: number, cap: number): number {
    const l = Math.exp(-mean);
    let k = 0;
    let p = this.next();
    while (p > l && k < cap) {
      k++;
      p *= this.next();
    }
    return k;
  }
}

/** A weighted choice table, prepared once. */
class Table<T> {
  private readonly values: T[];
  private readonly cumulative: number[];
  constructor(entries: [T, number][]) {
    let total = 0;
    this.values = entries.map((e) => e[0]);
    this.cumulative = entries.map((e) => (total += e[1]));
    for (let i = 0; i < this.cumulative.length; i++) this.cumulative[i] /= total;
  }
  draw(rng: Rng): T {
    const u = rng.next();
    const c = this.cumulative;
    for (let i = 0; i < c.length; i++) if (u < c[i]) return this.values[i];
    return this.values[this.values.length - 1];
  }
}
const table = <T>(entries: [T, number][]) => new Table(entries);

// ---------------------------------------------------------------- dates as day numbers

const DAY_MS = 86_400_000;
const isoCache = new Map<number, string>();
/** days since 1970-01-01 */
const dayOf = (iso: string): number => Math.round(Date.parse(`${iso}T00:00:00Z`) / DAY_MS);
function isoOf(day: number): string {
  let s = isoCache.get(day);
  if (s === undefined) {
    s = new Date(day * DAY_MS).toISOString().slice(0, 10);
    isoCache.set(day, s);
  }
  return s;
}
/** 0 Sunday .. 6 Saturday */
const weekday = (day: number) => (((day + 4) % 7) + 7) % 7;
/** moves a Saturday or Sunday forward to the Monday (never earlier, so date order holds) */
const workday = (day: number) => {
  const w = weekday(day);
  return w === 6 ? day + 2 : w === 0 ? day + 1 : day;
};
const isoOrNull = (day: number | null) => (day === null ? null : isoOf(day));
/** whole years of age */
function ageOn(dobDay: number, onDay: number): number {
  const dob = isoOf(dobDay);
  const on = isoOf(onDay);
  const years = +on.slice(0, 4) - +dob.slice(0, 4);
  return on.slice(5) < dob.slice(5) ? years - 1 : years;
}
function stamp(day: number, minuteOfDay: number): string {
  const hh = String(Math.floor(minuteOfDay / 60)).padStart(2, '0');
  const mm = String(minuteOfDay % 60).padStart(2, '0');
  return `${isoOf(day)}T${hh}:${mm}:00.000Z`;
}

// ---------------------------------------------------------------- rows

export interface FamilyRow {
  id: number;
  family_ref: string;
  version: number;
  created_at: string;
  updated_at: string;
}

export interface ChildRow {
  id: number;
  family_id: number;
  child_ref: string;
  cms_id: string | null;
  first_name: string | null;
  last_name: string | null;
  date_of_birth: string | null;
  expected_date_of_birth: string | null;
  sex: string | null;
  ethnicity: string | null;
  disability_self_reported: boolean | null;
  merged_into_id: number | null;
  version: number;
  created_at: string;
  updated_at: string;
}

export interface ChildDisabilityRow {
  child_id: number;
  code: string;
}

export interface ReferralRow {
  id: number;
  referral_ref: string;
  family_id: number;
  referral_date: string;
  referral_source: string | null;
  stage_offered: string | null;
  coordinator_id: number | null;
  coordinator_name: string | null;
  lbp_date: string | null;
  offer_date: string | null;
  offered_by: string | null;
  offer_method: string | null;
  consent_decision: string | null;
  consent_date: string | null;
  decline_reason: string | null;
  consent_withdrawn_date: string | null;
  initial_fgc_date: string | null;
  fgc_not_held_reason: string | null;
  attend_parents: number | null;
  attend_maternal: number | null;
  attend_paternal: number | null;
  attend_friends: number | null;
  attend_professionals: number | null;
  child_participation: string | null;
  advocate_used: boolean | null;
  interpreter_used: boolean | null;
  private_family_time: boolean | null;
  plan_agreed: boolean | null;
  plan_date: string | null;
  plan_sent_date: string | null;
  plan_uploaded_date: string | null;
  closure_date: string | null;
  family_feedback: string | null;
  professional_feedback: string | null;
  version: number;
  created_at: string;
  updated_at: string;
}

export interface ReferralChildRow {
  referral_id: number;
  child_id: number;
  legal_status: string | null;
  outcome_6m_legal_status: string | null;
  outcome_6m_living: string | null;
  outcome_12m_legal_status: string | null;
  outcome_12m_living: string | null;
}

export interface PlanContentRow {
  referral_id: number;
  code: string;
}

export interface ReviewRow {
  id: number;
  referral_id: number;
  review_date: string;
  plan_working: boolean | null;
  created_at: string;
}

/** The kinds of deliberate data-quality problem; one per flagged referral. */
export type ProblemKind =
  | 'OFFER_BEFORE_REFERRAL'
  | 'CONSENT_BEFORE_OFFER'
  | 'DECLINED_NO_REASON'
  | 'PLAN_BEFORE_FGC'
  | 'MISSING_ETHNICITY'
  | 'CHILD_18_PLUS';

export const PROBLEM_KINDS: readonly ProblemKind[] = [
  'OFFER_BEFORE_REFERRAL',
  'CONSENT_BEFORE_OFFER',
  'DECLINED_NO_REASON',
  'PLAN_BEFORE_FGC',
  'MISSING_ETHNICITY',
  'CHILD_18_PLUS',
];

/** Referral refs of deliberately bad referrals end with this. */
export const DQ_SUFFIX = '-DQ';
export const isDeliberateProblemRef = (referralRef: string) => referralRef.endsWith(DQ_SUFFIX);

export interface DeliberateProblem {
  referral_ref: string;
  kind: ProblemKind;
  /** the child concerned, for MISSING_ETHNICITY and CHILD_18_PLUS */
  child_ref?: string;
}

export interface DuplicatePair {
  /** the child's first record (on the family's earlier referral) */
  child_ref: string;
  /** the second record of the same child (on the later referral) */
  duplicate_ref: string;
}

/** Everything generated for one family. Parents come before children in every array. */
export interface FamilyBundle {
  families: FamilyRow[];
  children: ChildRow[];
  childDisabilities: ChildDisabilityRow[];
  referrals: ReferralRow[];
  referralChildren: ReferralChildRow[];
  planContent: PlanContentRow[];
  reviews: ReviewRow[];
  problems: DeliberateProblem[];
  duplicates: DuplicatePair[];
}

export interface DemoCoordinator {
  id: number;
  team: string | null;
}

export interface GenerateOptions {
  /** how many referrals to generate (exactly) */
  referrals: number;
  seed: string | number;
  /** the reference 'today' (YYYY-MM-DD): nothing happens after it. Default: today. */
  today?: string;
  /** how many financial years, ending with the one containing today. Default 5. */
  years?: number;
  /** prefix of every family_ref, child_ref and referral_ref. Default demoRefPrefix(seed). */
  refPrefix?: string;
  /** first id to use in each table (the loader passes max(id)+1). Default 1. */
  startIds?: Partial<StartIds>;
  /** coordinators to allocate referrals to; none means coordinator_id stays null */
  coordinators?: DemoCoordinator[];
  /** share of referrals with a deliberate data-quality problem. Default 0.005. */
  problemRate?: number;
  /** share of children recorded twice. Default 0.005. */
  duplicateRate?: number;
}

export interface StartIds {
  family: number;
  child: number;
  referral: number;
  review: number;
}

// ---------------------------------------------------------------- built-in vocabulary

const FIRST_NAMES_F = [
  'Amelia', 'Olivia', 'Isla', 'Ava', 'Mia', 'Ivy', 'Lily', 'Freya', 'Florence', 'Sophia', 'Grace', 'Evie', 'Poppy', 'Ella',
  'Willow', 'Rosie', 'Millie', 'Daisy', 'Sienna', 'Phoebe', 'Isabella', 'Harper', 'Ruby', 'Chloe', 'Maya', 'Zara', 'Aisha',
  'Amira', 'Hannah', 'Leah', 'Katie', 'Jessica', 'Megan', 'Bethany', 'Courtney', 'Jasmine', 'Niamh', 'Kayla', 'Precious',
  'Fatima', 'Maryam', 'Esme', 'Matilda', 'Layla', 'Nevaeh', 'Tia', 'Zoe', 'Paige', 'Lacey', 'Skye',
];
const FIRST_NAMES_M = [
  'Oliver', 'George', 'Noah', 'Arthur', 'Leo', 'Muhammad', 'Harry', 'Oscar', 'Archie', 'Henry', 'Theo', 'Jack', 'Freddie',
  'Charlie', 'Alfie', 'Thomas', 'Jacob', 'Riley', 'Tommy', 'Logan', 'Kai', 'Mason', 'Reggie', 'Jayden', 'Tyler', 'Kyle',
  'Callum', 'Connor', 'Liam', 'Aiden', 'Ethan', 'Dylan', 'Lewis', 'Ryan', 'Kian', 'Ibrahim', 'Yusuf', 'Ayaan', 'Daniel',
  'Samuel', 'Joshua', 'Kacper', 'Jakub', 'Tobias', 'Elijah', 'Malachi', 'Rhys', 'Owen', 'Harvey', 'Louie',
];
const LAST_NAMES = [
  'Smith', 'Jones', 'Taylor', 'Brown', 'Williams', 'Wilson', 'Johnson', 'Davies', 'Robinson', 'Wright', 'Thompson', 'Evans',
  'Walker', 'White', 'Roberts', 'Green', 'Hall', 'Wood', 'Jackson', 'Clarke', 'Patel', 'Khan', 'Lewis', 'Hughes', 'Edwards',
  'Turner', 'Hill', 'Moore', 'Cooper', 'Ward', 'Morris', 'King', 'Harris', 'Baker', 'Lee', 'Mitchell', 'Carter', 'Phillips',
  'Ali', 'Hussain', 'Begum', 'Ahmed', 'Shaw', 'Holmes', 'Lloyd', 'Price', 'Bennett', 'Griffiths', 'Kelly', 'Murphy', 'Doyle',
  'Connolly', 'Okafor', 'Mensah', 'Campbell', 'Francis', 'Kowalski', 'Nowak', 'Popescu', 'Novak', 'Chen', 'Singh', 'Kaur',
  'Barker', 'Fletcher', 'Marsh', 'Webb', 'Pearce', 'Rowe', 'Dixon', 'Stone', 'Fox', 'Booth', 'Lord', 'Atkinson', 'Parry',
];
/** spelling variants people actually write (the duplicate-child problem) */
const VARIANTS: Record<string, string> = {
  Amelia: 'Emilia', Isla: 'Islah', Lily: 'Lilly', Evie: 'Evey', Sophia: 'Sofia', Rosie: 'Rosy', Millie: 'Milly',
  Isabella: 'Isobella', Chloe: 'Cloe', Zara: 'Zarah', Aisha: 'Ayesha', Hannah: 'Hanna', Leah: 'Lea', Katie: 'Katy',
  Megan: 'Meghan', Jasmine: 'Jazmine', Kayla: 'Kaylah', Maryam: 'Mariam', Esme: 'Esmee', Layla: 'Leila', Tia: 'Tiah',
  Zoe: 'Zoey', Lacey: 'Lacie', Muhammad: 'Mohammed', Freddie: 'Freddy', Charlie: 'Charley', Alfie: 'Alfy', Riley: 'Rylee',
  Tommy: 'Tommie', Jayden: 'Jaden', Callum: 'Calum', Connor: 'Conor', Aiden: 'Aidan', Lewis: 'Louis', Kian: 'Keaton',
  Ibrahim: 'Ebrahim', Yusuf: 'Yousef', Ayaan: 'Ayan', Jakub: 'Jacub', Elijah: 'Elija', Rhys: 'Reece', Harvey: 'Harvie',
  Louie: 'Louis', Harry: 'Harrie', Jack: 'Jak', Kyle: 'Kile', Tyler: 'Tylor', Ethan: 'Ethen', Reggie: 'Reggy',
  Olivia: 'Olivea', Ava: 'Avah', Mia: 'Miah', Ivy: 'Ivey', Freya: 'Freyah', Florence: 'Florance', Grace: 'Gracie',
  Poppy: 'Poppie', Ella: 'Ellah', Willow: 'Wilow', Daisy: 'Daisey', Sienna: 'Siena', Phoebe: 'Pheobe', Harper: 'Harpa',
  Ruby: 'Rubie', Maya: 'Maia', Amira: 'Ameera', Jessica: 'Jess', Bethany: 'Bethanie', Courtney: 'Kourtney', Niamh: 'Neve',
  Precious: 'Presious', Fatima: 'Fatimah', Matilda: 'Mathilda', Nevaeh: 'Neveah', Paige: 'Page', Skye: 'Sky',
  Oliver: 'Olly', George: 'Georgie', Noah: 'Noa', Arthur: 'Arther', Leo: 'Lio', Oscar: 'Oskar', Archie: 'Archy',
  Henry: 'Henri', Theo: 'Teo', Thomas: 'Tomas', Jacob: 'Jakob', Logan: 'Logen', Kai: 'Kye', Mason: 'Mayson', Liam: 'Leam',
  Dylan: 'Dillon', Ryan: 'Rian', Daniel: 'Danial', Samuel: 'Samual', Joshua: 'Josh', Kacper: 'Kasper', Tobias: 'Toby',
  Malachi: 'Malakai', Owen: 'Owain',
};
function variantOf(name: string): string {
  if (VARIANTS[name]) return VARIANTS[name];
  // otherwise (a name added to the lists without a variant) drop the last letter
  return name.length > 3 ? name.slice(0, -1) : `${name}e`;
}

const ETHNICITY = table<string>([
  ['WBRI', 800], ['WIRI', 5], ['WIRT', 5], ['WROM', 10], ['WOTH', 50],
  ['MWBC', 20], ['MWBA', 8], ['MWAS', 12], ['MOTH', 15],
  ['AIND', 15], ['APKN', 20], ['ABAN', 8], ['AOTH', 10], ['CHNE', 3],
  ['BCRB', 10], ['BAFR', 25], ['BOTH', 5], ['OOTH', 10],
  ['REFU', 7], ['NOBT', 22],
]);
const MIXED = ['MWBC', 'MWBA', 'MWAS', 'MOTH'];

const FAMILY_SIZE = table<number>([[1, 33], [2, 30], [3, 18], [4, 11], [5, 5], [6, 3]]);
/** age of the youngest (born) child at referral: weighted towards the young */
const YOUNGEST_AGE = table<number>([
  [0, 15], [1, 10], [2, 9], [3, 8], [4, 7], [5, 6], [6, 6], [7, 5], [8, 5], [9, 5], [10, 4], [11, 4], [12, 4], [13, 4],
  [14, 3], [15, 3], [16, 2], [17, 1.5],
]);
const SIBLING_GAP = table<number>([[0, 3], [1, 20], [2, 35], [3, 25], [4, 12], [5, 5]]);

const STAGE_KNOWN = table<string>([['EH', 5], ['CIN', 14], ['CP', 24], ['PLO', 40], ['PROC', 8], ['LAC', 6], ['OTH', 3]]);
const STAGE_UNKNOWN = table<string>([['EH', 80], ['OTH', 20]]);

const SOURCE_BY_STAGE: Record<string, Table<string>> = {
  EH: table([['EHP', 45], ['EDU', 15], ['HEALTH', 10], ['SELF', 10], ['VOL', 12], ['OTH', 8]]),
  CIN: table([['SW', 80], ['HEALTH', 5], ['EDU', 5], ['OTHLA', 3], ['OTH', 7]]),
  CP: table([['SW', 88], ['HEALTH', 4], ['OTHLA', 3], ['OTH', 5]]),
  PLO: table([['LEGAL', 55], ['SW', 43], ['OTHLA', 2]]),
  PROC: table([['LEGAL', 40], ['SW', 60]]),
  LAC: table([['LAC', 75], ['SW', 25]]),
  OTH: table([['SW', 30], ['SELF', 20], ['VOL', 20], ['HEALTH', 10], ['OTH', 20]]),
};
/** legal status of a known child on a referral at this stage */
const LEGAL_BY_STAGE: Record<string, Table<string>> = {
  EH: table([['EH', 90], ['CINA', 10]]),
  CIN: table([['CIN', 75], ['CINA', 25]]),
  CP: table([['CP', 90], ['CIN', 5], ['PLO', 5]]),
  PLO: table([['PLO', 92], ['CP', 8]]),
  PROC: table([['PROC', 88], ['CO', 12]]),
  LAC: table([['S20', 50], ['CO', 50]]),
  OTH: table([['OTH', 50], ['CIN', 30], ['EH', 20]]),
};
/** legal status six months on, by legal status at referral (or at six months, for twelve) */
const OUTCOME_LEGAL: Record<string, Table<string>> = {
  NKCSC: table([['CLOSED', 80], ['EH', 15], ['CIN', 5]]),
  EH: table([['CLOSED', 60], ['EH', 30], ['CIN', 8], ['CP', 2]]),
  CINA: table([['CLOSED', 45], ['CIN', 40], ['CP', 10], ['EH', 5]]),
  CIN: table([['CLOSED', 40], ['CIN', 40], ['CP', 12], ['EH', 8]]),
  CP: table([['CP', 40], ['CIN', 30], ['CLOSED', 12], ['PLO', 12], ['PROC', 6]]),
  PLO: table([['PLO', 25], ['CP', 25], ['CIN', 15], ['PROC', 20], ['CO', 8], ['CLOSED', 7]]),
  PROC: table([['PROC', 40], ['CO', 35], ['CIN', 10], ['CLOSED', 10], ['S20', 5]]),
  S20: table([['S20', 50], ['CO', 20], ['CLOSED', 15], ['CIN', 15]]),
  CO: table([['CO', 80], ['CLOSED', 15], ['S20', 5]]),
  OTH: table([['OTH', 40], ['CLOSED', 40], ['CIN', 20]]),
  CLOSED: table([['CLOSED', 90], ['EH', 6], ['CIN', 4]]),
};
const LIVING_BY_LEGAL: Record<string, Table<string>> = {
  CLOSED: table([['PARENTS', 80], ['KININF', 10], ['SGO', 10]]),
  NKCSC: table([['PARENTS', 88], ['KININF', 12]]),
  EH: table([['PARENTS', 88], ['KININF', 12]]),
  CINA: table([['PARENTS', 88], ['KININF', 12]]),
  CIN: table([['PARENTS', 85], ['KININF', 15]]),
  OTH: table([['PARENTS', 80], ['KININF', 15], ['OTH', 5]]),
  CP: table([['PARENTS', 80], ['KININF', 20]]),
  PLO: table([['PARENTS', 70], ['KININF', 22], ['KINFOST', 8]]),
  PROC: table([['PARENTS', 35], ['KINFOST', 30], ['FOSTER', 25], ['KININF', 10]]),
  S20: table([['FOSTER', 50], ['KINFOST', 35], ['RESID', 10], ['OTH', 5]]),
  CO: table([['FOSTER', 45], ['KINFOST', 30], ['RESID', 8], ['ADOPT', 10], ['SGO', 7]]),
};

const DECLINE_REASON = table<string>([
  ['DISTRUST', 24], ['NOHELP', 16], ['MISUNDER', 8], ['ENOUGH', 12], ['NONETWORK', 12], ['PRIVACY', 14], ['CAPACITY', 5],
  ['PRACTICAL', 4], ['OTH', 5],
]);
const NORESP_REASON = table<string>([['DISTRUST', 30], ['NOHELP', 10], ['PRACTICAL', 15], ['CAPACITY', 10], ['OTH', 35]]);
const NOT_HELD = table<string>([
  ['NETWORK', 30], ['RISK', 12], ['BESTINT', 5], ['CHANGED', 20], ['PROCISSUED', 12], ['REFWITHDRAWN', 8], ['MOVED', 6], ['OTH', 7],
]);
const CLOSED_BEFORE_OFFER = table<string>([
  ['REFWITHDRAWN', 35], ['CHANGED', 30], ['MOVED', 10], ['PROCISSUED', 10], ['BESTINT', 10], ['RISK', 5],
]);
const STATUTORY = new Set(['CP', 'PLO', 'PROC']);
const DISABILITY = table<string>([
  ['LD', 25], ['COMM', 18], ['BEH', 18], ['AUT', 20], ['MOB', 5], ['HAND', 2], ['PC', 3], ['INC', 2], ['HEAR', 3], ['VIS', 2],
  ['CON', 1], ['DDA', 4],
]);
const PLAN_CONTENT: [string, number][] = [
  ['SAFETY', 0.65], ['SUPPORT', 0.55], ['CONTACT', 0.35], ['RESPITE', 0.3], ['SERVICES', 0.45], ['HEALTHEDU', 0.3], ['OTH', 0.05],
];

const PARTICIPATION_5_9 = table<string>([['OTHERWAY', 35], ['ADVOCATE', 25], ['NOTINV', 25], ['ATTENDED', 15]]);
const PARTICIPATION_10_UP = table<string>([['ATTENDED', 45], ['ADVOCATE', 25], ['OTHERWAY', 20], ['NOTINV', 10]]);

const OFFERED_BY = table<string>([['Social worker', 55], ['FGC coordinator', 30], ['Early help practitioner', 8], ['Team manager', 7]]);
const OFFER_METHOD = table<string>([['Home visit', 45], ['Phone', 25], ['Letter', 10], ['At a meeting', 15], ['Email', 5]]);
const FAMILY_FEEDBACK = [
  'The family said the meeting helped them pull together and share the load.',
  'Mum said she felt listened to for the first time.',
  'Grandparents found private family time the most useful part.',
  'The family would recommend an FGC to others.',
  'Dad said it was hard but worth it.',
  'The young person said they liked being asked what they wanted.',
  'The family found the preparation visits reassuring.',
  'The family felt the professionals spoke too long.',
];
const PROFESSIONAL_FEEDBACK = [
  'Social worker reported a clear and realistic plan.',
  'The network identified carers the service did not know about.',
  'Plan has reduced the need for statutory involvement.',
  'The plan has not been kept to; escalation considered.',
  'Good engagement from paternal family.',
  'The social worker said the plan gave a safe alternative to care.',
];

// ---------------------------------------------------------------- the generator

interface Person {
  row: ChildRow;
  /** day number of birth (actual), or null if unknown */
  birth: number | null;
  /** expected delivery day if unborn at the family's first referral */
  edd: number | null;
  known: boolean;
}

const pad6 = (n: number) => String(n).padStart(6, '0');
/** CMS ids follow the child's database id through a fixed scramble: unique, stable, 7 digits. */
const cmsIdFor = (childId: number) => `CMS${String((childId * 4_194_301 + 2_718_281) % 10_000_000).padStart(7, '0')}`;

/**
 * Yields one bundle of rows per family until exactly `options.referrals` referrals have
 * been produced. Deterministic for given options.
 */
export function* generateDemo(options: GenerateOptions): Generator<FamilyBundle, void, undefined> {
  const rng = new Rng(hashSeed(options.seed));
  const todayIso = options.today ?? localToday();
  const T = dayOf(todayIso);
  const years = options.years ?? 5;
  const [ty, tm] = todayIso.split('-').map(Number);
  const currentFy = tm >= 4 ? ty : ty - 1;
  const firstFy = currentFy - years + 1;
  const start = dayOf(`${firstFy}-04-01`);
  const prefix = options.refPrefix ?? demoRefPrefix(options.seed);
  const problemRate = options.problemRate ?? 0.005;
  const duplicateRate = options.duplicateRate ?? 0.005;
  const ids: StartIds = { family: 1, child: 1, referral: 1, review: 1, ...options.startIds };
  const seq = { family: 0, child: 0, referral: 0 };

  // volume grows year on year; the current year counts only as far as today
  const yearWeights: { from: number; to: number; w: number }[] = [];
  for (let y = firstFy; y <= currentFy; y++) {
    const from = dayOf(`${y}-04-01`);
    const to = Math.min(dayOf(`${y + 1}-03-31`), T);
    if (to >= from) yearWeights.push({ from, to, w: (1 + 0.12 * (y - firstFy)) * (to - from + 1) });
  }
  const yearTable = table(yearWeights.map((y) => [y, y.w] as [typeof y, number]));
  const referralDay = (min = start): number => {
    for (let attempt = 0; ; attempt++) {
      const y = yearTable.draw(rng);
      const d = rng.int(y.from, y.to);
      if (d < min || d > T) {
        if (attempt > 50) return Math.max(min, Math.min(T, d));
        continue;
      }
      const w = weekday(d);
      if ((w === 0 || w === 6) && attempt < 20) continue;
      return d;
    }
  };

  // coordinators by team
  const coordinators = options.coordinators ?? [];
  const byTeam = new Map<string, number[]>();
  for (const c of coordinators) {
    const key = (c.team ?? '').toLowerCase();
    byTeam.set(key, [...(byTeam.get(key) ?? []), c.id]);
  }
  const preProceedings = [...byTeam.entries()].find(([t]) => t.includes('pre-proceedings'))?.[1] ?? [];
  const areaTeam = (area: string) => byTeam.get(`${area.toLowerCase()} team`) ?? [];
  const allCoordinators = coordinators.map((c) => c.id);
  const coordinatorFor = (stage: string, area: string): number | null => {
    if (!allCoordinators.length) return null;
    let pool = (stage === 'PLO' || stage === 'PROC') && rng.chance(0.7) ? preProceedings : areaTeam(area);
    if (!pool.length) pool = allCoordinators;
    return rng.pick(pool);
  };

  const twiceShare = 0.12;
  // chance that a twice-referred family has a duplicate record, tuned so duplicates are ~duplicateRate of children
  const duplicateChance = Math.min(1, (duplicateRate * 2.3) / (twiceShare * 0.85));
  // deliberate problems go to single-referral families (about 79% of referrals) referred at
  // least a year before today (about 75% of those), so the step with the problem has happened
  const problemChance = Math.min(1, problemRate / 0.6);

  let remaining = Math.max(0, Math.floor(options.referrals));
  while (remaining > 0) {
    const bundle = makeFamily(remaining >= 2 && T - start > 500 && rng.chance(twiceShare));
    remaining -= bundle.referrals.length;
    yield bundle;
  }

  function makeFamily(twice: boolean): FamilyBundle {
    const b: FamilyBundle = {
      families: [], children: [], childDisabilities: [], referrals: [], referralChildren: [], planContent: [], reviews: [],
      problems: [], duplicates: [],
    };
    const familyId = ids.family++;
    const familyRef = `${prefix}F${pad6(++seq.family)}`;
    const known = rng.chance(0.8);
    const area = rng.chance(0.5) ? 'North' : 'South';
    const surname = rng.pick(LAST_NAMES);
    const secondSurname = rng.chance(0.2) ? rng.pick(LAST_NAMES) : surname;
    const familyEthnicity = ETHNICITY.draw(rng);
    const interpreterLikely = !['WBRI', 'WIRI', 'WIRT', 'MWBC', 'MWBA', 'MWAS', 'MOTH', 'BCRB', 'REFU', 'NOBT'].includes(familyEthnicity);

    // referral days
    let d1: number;
    let d2: number | null = null;
    if (twice) {
      d2 = referralDay(start + 400);
      const gap = rng.int(365, Math.max(365, Math.min(1460, d2 - start)));
      d1 = Math.max(start, workday(d2 - gap));
      if (d2 - d1 < 300) {
        d2 = null;
        d1 = referralDay();
      }
    } else {
      d1 = referralDay();
    }
    const problem: ProblemKind | null =
      d2 === null && d1 <= T - 365 && rng.chance(problemChance) ? rng.pick(PROBLEM_KINDS) : null;

    // children at the first referral
    const size = FAMILY_SIZE.draw(rng);
    const unbornFirst = problem !== 'CHILD_18_PLUS' && rng.chance(0.065);
    const bornCount = unbornFirst ? size - 1 : size;
    const people: Person[] = [];
    const makePerson = (birth: number | null, edd: number | null, createdDay: number, unborn: boolean, lastName: string): Person => {
      const id = ids.child++;
      const sex = unborn ? 'U' : rng.chance(0.51) ? 'M' : 'F';
      const childKnown = known ? !rng.chance(0.025) : rng.chance(0.08);
      let ethnicity = familyEthnicity;
      if (unborn && rng.chance(0.5)) ethnicity = 'NOBT';
      else if (rng.chance(0.08)) ethnicity = familyEthnicity === 'WBRI' && rng.chance(0.6) ? rng.pick(MIXED) : ETHNICITY.draw(rng);
      const at = stamp(createdDay, rng.int(8 * 60, 17 * 60));
      const row: ChildRow = {
        id,
        family_id: familyId,
        child_ref: `${prefix}C${pad6(++seq.child)}`,
        cms_id: childKnown ? cmsIdFor(id) : null,
        first_name: unborn ? null : rng.pick(sex === 'M' ? FIRST_NAMES_M : FIRST_NAMES_F),
        last_name: lastName,
        date_of_birth: null,
        expected_date_of_birth: null,
        sex,
        ethnicity,
        disability_self_reported: null,
        merged_into_id: null,
        version: 1,
        created_at: at,
        updated_at: at,
      };
      if (!unborn) {
        row.date_of_birth = isoOf(birth!);
        if (rng.chance(0.78)) {
          const codes = rng.chance(0.84) ? ['NONE'] : rng.chance(0.75) ? [DISABILITY.draw(rng)] : [DISABILITY.draw(rng), DISABILITY.draw(rng)];
          for (const code of new Set(codes)) b.childDisabilities.push({ child_id: id, code });
          row.disability_self_reported = codes[0] === 'NONE' ? (rng.chance(0.3) ? false : null) : rng.chance(0.45);
        }
      }
      const p: Person = { row, birth, edd, known: row.cms_id !== null };
      people.push(p);
      b.children.push(row);
      return p;
    };
    const bornAtFirst = (age: number) => d1 - Math.floor(age * 365.25) - rng.int(0, 364);
    let age = YOUNGEST_AGE.draw(rng);
    if (problem === 'CHILD_18_PLUS') age = Math.max(age, 10);
    const ages: number[] = [];
    for (let i = 0; i < bornCount; i++) {
      if (i > 0) age += SIBLING_GAP.draw(rng);
      if (age > 17) break;
      ages.push(age);
    }
    let previousBirth: number | null = null;
    for (let i = 0; i < ages.length; i++) {
      // twins share a date of birth
      const birth: number = i > 0 && ages[i] === ages[i - 1] && previousBirth !== null ? previousBirth : bornAtFirst(ages[i]);
      previousBirth = birth;
      makePerson(birth, null, d1, false, i > 0 && rng.chance(0.5) ? secondSurname : surname);
    }
    if (unbornFirst || people.length === 0) {
      const edd = d1 + rng.int(14, 190);
      const birth = edd + rng.int(-21, 10);
      makePerson(birth, edd, d1, true, surname);
    }
    if (problem === 'CHILD_18_PLUS') {
      const eldest = people[people.length - 1];
      eldest.birth = d1 - Math.floor(18 * 365.25) - rng.int(1, 300);
      eldest.row.date_of_birth = isoOf(eldest.birth);
    }

    // who is on the first referral: usually all, sometimes a subset
    let first = people.slice();
    if (people.length >= 2 && rng.chance(0.2)) {
      first = people.filter(() => rng.chance(0.6));
      if (first.length === 0 || first.length === people.length) first = people.slice(0, people.length - 1);
    }
    if (problem === 'CHILD_18_PLUS' && !first.includes(people[people.length - 1])) first.push(people[people.length - 1]);

    // the second referral, years later
    let second: Person[] = [];
    if (d2 !== null) {
      if (people.length < 6 && rng.chance(0.4)) {
        // a baby born (or expected) since the first referral
        if (rng.chance(0.25)) {
          const edd = d2 + rng.int(14, 190);
          makePerson(edd + rng.int(-21, 10), edd, d2, true, surname);
        } else {
          makePerson(rng.int(d1 + 120, d2 - 10), null, d2, false, surname);
        }
      }
      const at2 = d2;
      const eligible = people.filter((p) => {
        if (p.birth === null) return false;
        if (p.birth > at2) return p.edd !== null; // expected after the second referral
        return ageOn(p.birth, at2) < 18;
      });
      second = eligible.filter((p) => !first.includes(p) || rng.chance(0.75));
      if (second.length === 0 && eligible.length) second = [eligible[0]];
      if (second.length && people.length < 6 && rng.chance(duplicateChance)) {
        const candidates = second.filter((p) => first.includes(p) && p.row.date_of_birth !== null);
        const original = candidates.length ? rng.pick(candidates) : null;
        if (original) {
          const at = stamp(d2, rng.int(8 * 60, 17 * 60));
          const id = ids.child++;
          const row: ChildRow = {
            ...original.row,
            id,
            child_ref: `${prefix}C${pad6(++seq.child)}`,
            first_name: original.row.first_name ? variantOf(original.row.first_name) : null,
            disability_self_reported: null,
            created_at: at,
            updated_at: at,
          };
          const copy: Person = { row, birth: original.birth, edd: null, known: original.known };
          people.push(copy);
          b.children.push(row);
          second = second.map((p) => (p === original ? copy : p));
          b.duplicates.push({ child_ref: original.row.child_ref, duplicate_ref: row.child_ref });
        }
      }
    }

    // unborn children: once born, the date of birth replaces the expected date (the form
    // allows only one), always if the child is on a later referral, otherwise only sometimes
    for (const p of people) {
      if (p.edd === null || p.row.date_of_birth !== null) continue;
      const onLater = d2 !== null && second.includes(p) && p.birth !== null && p.birth <= d2;
      if (p.birth !== null && p.birth <= T && (onLater || rng.chance(0.5))) {
        p.row.date_of_birth = isoOf(p.birth);
        p.row.sex = rng.chance(0.51) ? 'M' : 'F';
        if (rng.chance(0.9)) p.row.first_name = rng.pick(p.row.sex === 'M' ? FIRST_NAMES_M : FIRST_NAMES_F);
        p.row.updated_at = stamp(Math.min(T, p.birth + rng.int(1, 30)), 12 * 60);
      } else {
        p.row.expected_date_of_birth = isoOf(p.edd);
      }
    }

    const familyStamp = stamp(d1, rng.int(8 * 60, 17 * 60));
    b.families.push({ id: familyId, family_ref: familyRef, version: 1, created_at: familyStamp, updated_at: familyStamp });

    const stage1 = (known ? STAGE_KNOWN : STAGE_UNKNOWN).draw(rng);
    makeReferral(b, d1, first, stage1, problem, area, interpreterLikely);
    if (d2 !== null && second.length) {
      const stage2 = (known ? STAGE_KNOWN : STAGE_UNKNOWN).draw(rng);
      makeReferral(b, d2, second, stage2, null, area, interpreterLikely);
    }
    return b;
  }

  function makeReferral(
    b: FamilyBundle,
    d: number,
    kids: Person[],
    stage: string,
    problem: ProblemKind | null,
    area: string,
    interpreterLikely: boolean,
  ): void {
    const id = ids.referral++;
    const ref = `${prefix}R${pad6(++seq.referral)}${problem ? DQ_SUFFIX : ''}`;
    const forced = problem !== null && problem !== 'MISSING_ETHNICITY' && problem !== 'CHILD_18_PLUS';

    // planned timeline (day numbers); anything after today is cut off below
    let lbp: number | null = null;
    let offer: number | null = null;
    let offeredBy: string | null = null;
    let offerMethod: string | null = null;
    let decision: 'GIVEN' | 'DECLINED' | 'NORESP' | null = null;
    let consent: number | null = null;
    let declineReason: string | null = null;
    let withdrawn: number | null = null;
    let fgc: number | null = null;
    let notHeld: string | null = null;
    let notHeldDay: number | null = null;
    let planAgreed: boolean | null = null;
    let planDay: number | null = null;
    let sent: number | null = null;
    let uploaded: number | null = null;
    const reviews: number[] = [];
    let closure: number | null;

    if (stage === 'PLO' && rng.chance(0.85)) lbp = workday(d + rng.int(0, 14));
    if (!forced && rng.chance(0.04)) {
      // closed before an offer was made
      let reason = CLOSED_BEFORE_OFFER.draw(rng);
      if ((reason === 'PROCISSUED' && !STATUTORY.has(stage)) || (reason === 'BESTINT' && stage !== 'PLO')) reason = 'CHANGED';
      closure = workday(d + rng.int(5, 40));
      notHeld = reason;
      notHeldDay = closure;
    } else {
      if (lbp !== null && rng.chance(0.6)) {
        offer = lbp;
        offeredBy = 'Social worker';
        offerMethod = 'In the letter before proceedings';
      } else {
        offer = workday(d + (rng.chance(0.4) ? rng.int(0, 3) : rng.int(2, 25)));
        offeredBy = OFFERED_BY.draw(rng);
        offerMethod = OFFER_METHOD.draw(rng);
      }
      if (problem === 'OFFER_BEFORE_REFERRAL') offer = d - rng.int(1, 20);
      const givenShare = stage === 'EH' ? 0.64 : stage === 'PLO' ? 0.73 : 0.7;
      const u = rng.next();
      decision = u < givenShare ? 'GIVEN' : u < givenShare + (1 - givenShare) * 0.667 ? 'DECLINED' : 'NORESP';
      if (problem === 'DECLINED_NO_REASON') decision = 'DECLINED';
      if (problem === 'PLAN_BEFORE_FGC') decision = 'GIVEN';
      consent = workday(offer + (decision === 'NORESP' ? rng.int(21, 45) : rng.int(0, 21)));
      if (problem === 'CONSENT_BEFORE_OFFER') consent = offer - rng.int(1, 10);
      if (decision !== 'GIVEN') {
        declineReason = problem === 'DECLINED_NO_REASON' ? null : (decision === 'DECLINED' ? DECLINE_REASON : NORESP_REASON).draw(rng);
        closure = workday(consent + rng.int(0, 14));
        notHeld = 'NOCONSENT';
        notHeldDay = closure;
      } else if (problem !== 'PLAN_BEFORE_FGC' && rng.chance(0.05)) {
        withdrawn = consent + rng.int(3, 40);
        notHeld = 'WITHDRAWN';
        notHeldDay = withdrawn;
        closure = workday(withdrawn + rng.int(0, 21));
      } else if (problem !== 'PLAN_BEFORE_FGC' && rng.chance(0.13)) {
        let reason = NOT_HELD.draw(rng);
        if ((reason === 'PROCISSUED' && !STATUTORY.has(stage)) || (reason === 'BESTINT' && stage !== 'PLO')) reason = 'NETWORK';
        closure = workday(consent + rng.int(14, 90));
        notHeld = reason;
        notHeldDay = closure;
      } else {
        fgc = consent + rng.hump(10, 80);
        if (weekday(fgc) === 0 || (weekday(fgc) === 6 && rng.chance(0.8))) fgc = workday(fgc);
        planAgreed = problem === 'PLAN_BEFORE_FGC' || rng.chance(0.9);
        let last = fgc;
        if (planAgreed) {
          planDay = rng.chance(0.8) ? fgc : workday(fgc + rng.int(1, 21));
          if (problem === 'PLAN_BEFORE_FGC') planDay = fgc - rng.int(1, 7);
          last = Math.max(last, planDay);
          if (rng.chance(0.95)) {
            sent = workday(planDay + rng.int(1, 14));
            last = Math.max(last, sent);
            if (rng.chance(0.75)) last = Math.max(last, (uploaded = workday(sent + rng.int(0, 21))));
          }
          if (rng.chance(0.55)) {
            reviews.push(workday(planDay + rng.int(42, 120)));
            if (rng.chance(0.3)) reviews.push(workday(reviews[0] + rng.int(56, 120)));
            last = Math.max(last, reviews[reviews.length - 1]);
          }
        }
        closure = rng.chance(0.97) ? workday(last + rng.int(7, 60)) : null;
      }
    }

    // cut at today: what has not happened yet is not recorded
    const by = (day: number | null) => day !== null && day <= T;
    if (!by(lbp)) lbp = null;
    if (!by(offer)) {
      offer = null;
      offeredBy = null;
      offerMethod = null;
    }
    if (!by(consent) || offer === null) {
      consent = null;
      decision = null;
      declineReason = null;
    }
    if (!by(withdrawn) || consent === null) withdrawn = null;
    if (!by(fgc) || consent === null) fgc = null;
    if (!by(planDay) || fgc === null) {
      planDay = null;
      planAgreed = fgc !== null && planAgreed === false ? false : null;
    }
    if (!by(sent) || planDay === null) sent = null;
    if (!by(uploaded) || sent === null) uploaded = null;
    const heldReviews = fgc === null ? [] : reviews.filter((r) => r <= T);
    if (!by(closure)) closure = null;
    if (!by(notHeldDay)) notHeld = null;
    if (forced && (offer === null || consent === null || (problem === 'PLAN_BEFORE_FGC' && planDay === null))) {
      throw new Error(`demo generator: deliberate problem ${problem} did not materialise on ${ref}`);
    }

    const lastDay = Math.max(d, ...[offer, consent, withdrawn, fgc, planDay, sent, uploaded, closure, ...heldReviews].filter((x): x is number => x !== null));
    const unallocated = offer === null && d > T - 21 && rng.chance(0.5);
    const row: ReferralRow = {
      id,
      referral_ref: ref,
      family_id: b.families[0]?.id ?? kids[0].row.family_id,
      referral_date: isoOf(d),
      referral_source: SOURCE_BY_STAGE[stage].draw(rng),
      stage_offered: stage,
      coordinator_id: unallocated ? null : coordinatorFor(stage, area),
      coordinator_name: null,
      lbp_date: isoOrNull(lbp),
      offer_date: isoOrNull(offer),
      offered_by: offeredBy,
      offer_method: offerMethod,
      consent_decision: decision,
      consent_date: isoOrNull(consent),
      decline_reason: declineReason,
      consent_withdrawn_date: isoOrNull(withdrawn),
      initial_fgc_date: isoOrNull(fgc),
      fgc_not_held_reason: notHeld,
      attend_parents: null,
      attend_maternal: null,
      attend_paternal: null,
      attend_friends: null,
      attend_professionals: null,
      child_participation: null,
      advocate_used: null,
      interpreter_used: null,
      private_family_time: null,
      plan_agreed: planAgreed,
      plan_date: isoOrNull(planDay),
      plan_sent_date: isoOrNull(sent),
      plan_uploaded_date: isoOrNull(uploaded),
      closure_date: isoOrNull(closure),
      family_feedback: null,
      professional_feedback: null,
      version: 1,
      created_at: stamp(d, rng.int(8 * 60, 17 * 60)),
      updated_at: stamp(lastDay, rng.int(8 * 60, 18 * 60)),
    };

    if (fgc !== null) {
      row.attend_parents = rng.chance(0.55) ? 2 : rng.chance(0.9) ? 1 : 0;
      row.attend_maternal = rng.count(2.5, 12);
      row.attend_paternal = rng.count(1.3, 10);
      row.attend_friends = rng.count(0.8, 8);
      row.attend_professionals = 1 + rng.count(1.2, 6);
      const eldestAge = Math.max(...kids.map((k) => (k.birth !== null && k.row.date_of_birth !== null && k.birth <= d ? ageOn(k.birth, d) : -1)));
      const participation =
        eldestAge < 5
          ? rng.chance(0.95) ? 'NOTINV' : 'OTHERWAY'
          : eldestAge < 10
            ? PARTICIPATION_5_9.draw(rng)
            : PARTICIPATION_10_UP.draw(rng);
      row.child_participation = rng.chance(0.97) ? participation : null;
      row.advocate_used = participation === 'ADVOCATE' ? true : rng.chance(0.97) ? rng.chance(0.08) : null;
      row.interpreter_used = rng.chance(interpreterLikely ? 0.3 : 0.005);
      row.private_family_time = rng.chance(0.98) ? rng.chance(0.96) : null;
    }
    if (closure !== null && fgc !== null) {
      if (rng.chance(0.45)) row.family_feedback = rng.pick(FAMILY_FEEDBACK);
      if (rng.chance(0.35)) row.professional_feedback = rng.pick(PROFESSIONAL_FEEDBACK);
    }
    b.referrals.push(row);

    if (planDay !== null && planAgreed && rng.chance(0.92)) {
      const codes = new Set<string>();
      codes.add(rng.chance(0.8) ? 'REMAIN' : 'KIN');
      for (const [code, p] of PLAN_CONTENT) if (rng.chance(p)) codes.add(code);
      for (const code of codes) b.planContent.push({ referral_id: id, code });
    }
    for (const r of heldReviews) {
      const u = rng.next();
      b.reviews.push({
        id: ids.review++,
        referral_id: id,
        review_date: isoOf(r),
        plan_working: u < 0.7 ? true : u < 0.88 ? false : null,
        created_at: stamp(r, rng.int(9 * 60, 18 * 60)),
      });
    }

    // children on the referral, and their outcomes when due
    const due6 = fgc !== null && dayOf(addMonths(isoOf(fgc), 6)) <= T;
    const due12 = fgc !== null && dayOf(addMonths(isoOf(fgc), 12)) <= T;
    const record6 = due6 && rng.chance(0.85);
    const record12 = due12 && rng.chance(record6 ? 0.88 : 0.4);
    let shared: { s6: string; l6: string; s12: string; l12: string } | null = null;
    const familyLegal = LEGAL_BY_STAGE[stage].draw(rng);
    for (const k of kids) {
      const legal = !k.known ? 'NKCSC' : rng.chance(0.9) ? familyLegal : LEGAL_BY_STAGE[stage].draw(rng);
      const rc: ReferralChildRow = {
        referral_id: id,
        child_id: k.row.id,
        legal_status: legal,
        outcome_6m_legal_status: null,
        outcome_6m_living: null,
        outcome_12m_legal_status: null,
        outcome_12m_living: null,
      };
      if (record6 || record12) {
        if (!shared || rng.chance(0.15)) {
          const s6 = OUTCOME_LEGAL[legal].draw(rng);
          const young = k.birth !== null && fgc !== null && (k.birth > fgc || ageOn(k.birth, fgc) < 5);
          let l6 = LIVING_BY_LEGAL[s6].draw(rng);
          if (l6 === 'ADOPT' && !young) l6 = 'FOSTER';
          const s12 = rng.chance(0.55) ? s6 : OUTCOME_LEGAL[s6].draw(rng);
          let l12 = s12 === s6 && rng.chance(0.8) ? l6 : LIVING_BY_LEGAL[s12].draw(rng);
          if (l12 === 'ADOPT' && !young) l12 = 'FOSTER';
          shared = { s6, l6, s12, l12 };
        }
        if (record6) {
          rc.outcome_6m_legal_status = shared.s6;
          rc.outcome_6m_living = shared.l6;
        }
        if (record12) {
          rc.outcome_12m_legal_status = shared.s12;
          rc.outcome_12m_living = shared.l12;
        }
      }
      b.referralChildren.push(rc);
    }

    if (problem === 'MISSING_ETHNICITY' || problem === 'CHILD_18_PLUS') {
      const child = problem === 'CHILD_18_PLUS' ? kids.reduce((a, k) => ((k.birth ?? Infinity) < (a.birth ?? Infinity) ? k : a)) : rng.pick(kids);
      if (problem === 'MISSING_ETHNICITY') child.row.ethnicity = null;
      b.problems.push({ referral_ref: ref, kind: problem, child_ref: child.row.child_ref });
    } else if (problem) {
      b.problems.push({ referral_ref: ref, kind: problem });
    }
  }
}

/** All rows at once (tests and small runs); the loader streams generateDemo instead. */
export function generateAll(options: GenerateOptions): FamilyBundle {
  const all: FamilyBundle = {
    families: [], children: [], childDisabilities: [], referrals: [], referralChildren: [], planContent: [], reviews: [],
    problems: [], duplicates: [],
  };
  for (const b of generateDemo(options)) {
    for (const key of Object.keys(all) as (keyof FamilyBundle)[]) (all[key] as unknown[]).push(...(b[key] as unknown[]));
  }
  return all;
}
