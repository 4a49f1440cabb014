// The case data the insight pages count, kept in each process's memory and never out of date:
// every referral (with its children's rows, reviews and plan content) and every child (with
// characteristics and disabilities), without names or free text. Before it answers, the store
// reads the case-change feed (migration 011: triggers name every referral and child written,
// whoever wrote it) and reloads just what changed: two small queries when nothing has changed.
// So a page for any period and filters counts from memory, never from a fresh load of its rows,
// and several processes on one database each stay current.
import type { Knex } from 'knex';
import { isPostgres } from '../../db/connection.js';
import type { Child, Referral, ReferralChild } from '../cases/types.js';
import { eachRow, interner, whereIdIn } from '../common/array-rows.js';
import { nextTurn } from '../common/next-turn.js';
import { FreshReads } from '../common/fresh-reads.js';
import { inRange } from '../common/dates.js';
import { childrenOn, matchesCode } from './common.js';
import { NO_TEAM, type Filters } from './filters.js';

export interface StoredCases {
  /** referrals with any step in the range that pass the filters, by id */
  referrals: Referral[];
  /** the children on them, then the records those were merged into (following chains) */
  children: Child[];
}

// One copy of each repeated value (dates, codes) for the life of the process: the driver makes
// a new string for every value of every row, and the case data repeats a few thousand values
// millions of times.
const intern = interner();
function internAll(a: any[], from: number) {
  for (let i = from; i < a.length; i++) if (typeof a[i] === 'string') a[i] = intern(a[i]);
}

const REFERRAL_COLUMNS = [
  'id', 'referral_ref', 'family_id', 'referral_date', 'referral_source', 'stage_offered', 'coordinator_id', 'offer_date',
  'consent_decision', 'consent_date', 'decline_reason', 'consent_withdrawn_date', 'initial_fgc_date', 'fgc_not_held_reason',
  'plan_agreed', 'plan_date', 'plan_sent_date', 'closure_date',
] as const;

/** A Referral in one fixed shape from a row of REFERRAL_COLUMNS; what insight never reads is null. */
function toReferral(a: any[]): Referral {
  internAll(a, 3);
  return {
    id: Number(a[0]), referral_ref: a[1], family_id: Number(a[2]), referral_date: a[3], referral_source: a[4], stage_offered: a[5],
    coordinator_id: a[6] === null ? null : Number(a[6]), coordinator_name: null, lbp_date: null, offer_date: a[7], offered_by: null, offer_method: null,
    consent_decision: a[8], consent_date: a[9], decline_reason: a[10], consent_withdrawn_date: a[11], initial_fgc_date: a[12], fgc_not_held_reason: a[13],
    attend_parents: null, attend_maternal: null, attend_paternal: null, attend_friends: null, attend_professionals: null,
    child_participation: null, advocate_used: null, interpreter_used: null, private_family_time: null,
    plan_agreed: a[14] === null ? null : !!a[14], plan_date: a[15], plan_sent_date: a[16], plan_uploaded_date: null, closure_date: a[17],
    family_feedback: null, professional_feedback: null, version: 0, children: [], plan_content: [], review_dates: [],
  };
}

const LINK_COLUMNS = ['referral_id', 'child_id', 'legal_status', 'outcome_6m_legal_status', 'outcome_6m_living', 'outcome_12m_legal_status', 'outcome_12m_living'];
const toLink = (a: any[]): ReferralChild => (internAll(a, 2), {
  child_id: Number(a[1]), legal_status: a[2], outcome_6m_legal_status: a[3], outcome_6m_living: a[4], outcome_12m_legal_status: a[5], outcome_12m_living: a[6],
});

const CHILD_COLUMNS = ['id', 'family_id', 'cms_id', 'date_of_birth', 'expected_date_of_birth', 'sex', 'ethnicity', 'merged_into_id'];
// Names never leave the database for counting.
const toChild = (a: any[]): Child => (internAll(a, 3), {
  id: Number(a[0]), family_id: Number(a[1]), child_ref: '', cms_id: a[2], first_name: null, last_name: null,
  date_of_birth: a[3], expected_date_of_birth: a[4], sex: a[5], ethnicity: a[6], disabilities: [], disability_self_reported: null,
  merged_into_id: a[7] === null ? null : Number(a[7]), version: 0,
});

/** A referral with the first and last of its dates, so a period it has no step in is passed over with two comparisons. */
interface Entry {
  referral: Referral;
  first: string;
  last: string;
}

function entryOf(r: Referral): Entry {
  let first = '9999-12-31';
  let last = '';
  for (const d of [r.referral_date, r.offer_date, r.consent_date, r.initial_fgc_date, r.closure_date, ...r.review_dates]) {
    if (!d) continue;
    if (d < first) first = d;
    if (d > last) last = d;
  }
  return { referral: r, first, last };
}

/** Which rows to read: some ids, or an id range (the first load reads in ranges, yielding between them). */
type Rows = { ids: number[] } | { from: number; to: number };
const narrow = (db: Knex, q: Knex.QueryBuilder, column: string, rows: Rows) =>
  'ids' in rows ? whereIdIn(db, q, column, rows.ids) : q.whereBetween(column, [rows.from, rows.to]);

/** The referrals in `rows` with their children's rows, reviews (in date order) and plan content. */
async function readReferrals(db: Knex, rows: Rows): Promise<Map<number, Referral>> {
  const byId = new Map<number, Referral>();
  await eachRow(db, narrow(db, db('referrals').select(REFERRAL_COLUMNS), 'id', rows).orderBy('id'), (a) => {
    const r = toReferral(a);
    byId.set(r.id, r);
  });
  if (!byId.size) return byId;
  const of = (id: unknown) => byId.get(Number(id));
  await Promise.all([
    // in a fixed order (the primary keys'), however the rows were picked
    eachRow(db, narrow(db, db('referral_children').select(LINK_COLUMNS), 'referral_id', rows).orderBy(['referral_id', 'child_id']), (a) => of(a[0])?.children.push(toLink(a))),
    eachRow(db, narrow(db, db('review_conferences').select('referral_id', 'review_date'), 'referral_id', rows).orderBy(['review_date', 'id']), (a) => of(a[0])?.review_dates.push(a[1])),
    eachRow(db, narrow(db, db('referral_plan_content').select('referral_id', 'code'), 'referral_id', rows).orderBy(['referral_id', 'code']), (a) => of(a[0])?.plan_content.push(a[1])),
  ]);
  for (const r of byId.values()) {
    r.children = exact(r.children);
    r.review_dates = exact(r.review_dates);
    r.plan_content = exact(r.plan_content);
  }
  return byId;
}

/**
 * A list held for the life of the store at its own length: arrays grown by push keep room for
 * more, and most lists here are empty or short, so this saves about a fifth of the store's memory.
 * Empty lists share one frozen array (nothing changes the store's lists).
 */
const NONE = Object.freeze([]) as unknown as never[];
const exact = <T>(xs: T[]): T[] => (xs.length === 0 ? NONE : xs.slice());

/** The children in `rows` with their disabilities. */
async function readChildren(db: Knex, rows: Rows): Promise<Map<number, Child>> {
  const byId = new Map<number, Child>();
  await eachRow(db, narrow(db, db('children').select(CHILD_COLUMNS), 'id', rows).orderBy('id'), (a) => {
    const c = toChild(a);
    byId.set(c.id, c);
  });
  if (byId.size) await eachRow(db, narrow(db, db('child_disabilities').select('child_id', 'code'), 'child_id', rows).orderBy(['child_id', 'code']), (a) => byId.get(Number(a[0]))?.disabilities.push(a[1]));
  for (const c of byId.values()) c.disabilities = exact(c.disabilities);
  return byId;
}

/** Rows read per query on the first load; the process serves others between them. */
const LOAD_STEP = 10_000;
/** Feed rows older than this are pruned; a store that has not read the feed for half as long loads everything again. */
export const FEED_KEPT_SECONDS = 24 * 60 * 60;
const PRUNE_EVERY_MS = 60 * 60 * 1000;

/**
 * Where a store has read the feed up to. SQLite has one writer at a time, so feed ids are in
 * commit order and the last id read is enough. On PostgreSQL ids are not in commit order: the
 * store remembers the oldest transaction still running when it last read (the snapshot's
 * xmin), reads again every row written since by a transaction from then on, and skips the rows
 * it has already applied.
 */
type Position = { lastId: number } | { xmin: bigint; applied: Map<number, bigint> };

interface Change {
  id: number;
  kind: 'referral' | 'child' | 'all';
  entityId: number;
  xid?: bigint;
}

export class CaseStore {
  private referrals = new Map<number, Entry>();
  /** children by id (an array: ids are dense, and lookups far quicker than a map's) */
  private children: (Child | undefined)[] = [];
  private childCount = 0;
  /** the referrals map is in id order (a referral committed after one with a higher id breaks it) */
  private inIdOrder = true;
  private highestReferral = 0;
  private position: Position | null = null;
  private readAt = 0;
  private prunedAt = 0;
  /** childrenOf's marks: taken[child id] === stamp for the children taken in the current call */
  private taken = new Uint32Array(0);
  private stamp = 0;
  private readonly reads = new FreshReads(() => this.catchUp());
  /** figures for the first load and the feed, for the benchmark and the logs */
  readonly stats = { loadMs: 0, loads: 0, changesApplied: 0 };

  constructor(private readonly db: Knex) {}

  /**
   * Brings the store up to date with every change committed before the call: the first call
   * loads everything. A call made while a read is under way waits for the next read (FreshReads).
   */
  refresh(): Promise<void> {
    return this.reads.get();
  }

  private async catchUp(): Promise<void> {
    for (let loads = 0; ; loads++) {
      if (!this.position || Date.now() - this.readAt > (FEED_KEPT_SECONDS * 1000) / 2) await this.loadAll();
      const started = Date.now();
      const feed = await this.readFeed(this.position!);
      if (feed === 'reload' || feed.changes.some((c) => c.kind === 'all')) {
        // a restored database, or a table truncated (perhaps during the load): everything again
        this.position = null;
        if (loads < 3) continue;
        throw new Error('The case data was replaced wholesale three times while it was being loaded');
      }
      await this.apply(feed.changes);
      feed.advance(); // only once applied: a failed read leaves the changes to the next one
      this.readAt = started;
      await this.prune();
      return;
    }
  }

  /** Everything, read in id ranges; the feed position is taken first, so changes made during the load are applied after it. */
  private async loadAll(): Promise<void> {
    const t = performance.now();
    const started = Date.now();
    const position = await this.currentPosition();
    const referrals = new Map<number, Entry>();
    let highestReferral = 0;
    const children: (Child | undefined)[] = [];
    let childCount = 0;
    const highest = async (table: string) => Number((await this.db(table).max({ n: 'id' }))[0]?.n ?? 0);
    const [topReferral, topChild] = await Promise.all([highest('referrals'), highest('children')]);
    for (let from = 1; from <= topReferral; from += LOAD_STEP) {
      for (const [id, r] of await readReferrals(this.db, { from, to: from + LOAD_STEP - 1 })) {
        referrals.set(id, entryOf(r));
        highestReferral = id;
      }
      await nextTurn();
    }
    for (let from = 1; from <= topChild; from += LOAD_STEP) {
      for (const [id, c] of await readChildren(this.db, { from, to: from + LOAD_STEP - 1 })) {
        children[id] = c;
        childCount++;
      }
      await nextTurn();
    }
    // rows added after the maxima were read are in the feed after the position
    this.referrals = referrals;
    this.highestReferral = highestReferral;
    this.children = children;
    this.childCount = childCount;
    this.inIdOrder = true;
    this.position = position;
    this.readAt = started;
    this.stats.loadMs = performance.now() - t;
    this.stats.loads++;
  }

  private async currentPosition(): Promise<Position> {
    if (isPostgres(this.db)) return { xmin: await snapshotXmin(this.db), applied: new Map() };
    const [row] = await this.db('case_changes').max({ n: 'id' });
    return { lastId: Number(row?.n ?? 0) };
  }

  /**
   * The feed rows after the position, with `advance` to move the position past them once they
   * are applied; or 'reload' when the database is not the one the position was taken on (a
   * SQLite database restored from a backup numbers its feed from lower down).
   */
  private async readFeed(position: Position): Promise<{ changes: Change[]; advance: () => void } | 'reload'> {
    const toChange = (r: any): Change => ({ id: Number(r.id), kind: r.kind, entityId: Number(r.entity_id), xid: r.xid === undefined ? undefined : BigInt(r.xid) });
    if ('lastId' in position) {
      const [rows, [top]] = await Promise.all([
        this.db('case_changes').select('id', 'kind', 'entity_id').where('id', '>', position.lastId).orderBy('id'),
        this.db('case_changes').max({ n: 'id' }),
      ]);
      if (Number(top?.n ?? 0) < position.lastId) return 'reload';
      const changes = rows.map(toChange);
      const advance = () => {
        if (changes.length) position.lastId = changes[changes.length - 1].id;
      };
      return { changes, advance };
    }
    // the snapshot's xmin first: every transaction before it has ended, so is visible to the read after it
    const next = await snapshotXmin(this.db);
    const rows = await this.db('case_changes').select('id', 'kind', 'entity_id', this.db.raw('xid::text as xid')).where('xid', '>=', this.db.raw('?::xid8', [position.xmin.toString()]));
    const changes = rows.map(toChange).filter((c) => !position.applied.has(c.id));
    return {
      changes,
      advance: () => {
        for (const c of changes) position.applied.set(c.id, c.xid!);
        for (const [id, xid] of position.applied) if (xid < next) position.applied.delete(id);
        position.xmin = next;
      },
    };
  }

  /** Reloads the referrals and children the changes name; those no longer in the database leave the store. */
  private async apply(changes: Change[]): Promise<void> {
    if (!changes.length) return;
    const ids = (kind: Change['kind']) => [...new Set(changes.filter((c) => c.kind === kind).map((c) => c.entityId))];
    const [referralIds, childIds] = [ids('referral'), ids('child')];
    const [referrals, children] = await Promise.all([
      referralIds.length ? readReferrals(this.db, { ids: referralIds }) : new Map<number, Referral>(),
      childIds.length ? readChildren(this.db, { ids: childIds }) : new Map<number, Child>(),
    ]);
    for (const id of referralIds) {
      const r = referrals.get(id);
      if (!r) this.referrals.delete(id);
      else {
        // a new referral goes to the end of the map: out of id order if a higher id is there
        if (!this.referrals.has(id) && id < this.highestReferral) this.inIdOrder = false;
        this.referrals.set(id, entryOf(r));
        this.highestReferral = Math.max(this.highestReferral, id);
      }
    }
    for (const id of childIds) {
      const c = children.get(id);
      if (!!c !== !!this.children[id]) this.childCount += c ? 1 : -1;
      this.children[id] = c;
    }
    this.stats.changesApplied += changes.length;
  }

  /** Feed rows older than FEED_KEPT_SECONDS go, at most once an hour per process. */
  private async prune(): Promise<void> {
    if (Date.now() - this.prunedAt < PRUNE_EVERY_MS) return;
    this.prunedAt = Date.now();
    await this.db('case_changes').where('at', '<', Math.floor(Date.now() / 1000) - FEED_KEPT_SECONDS).del();
  }

  /** Whether a referral passes the filters (the coordinators' teams read now). */
  private async matching(filters: Filters): Promise<(r: Referral) => boolean> {
    const { stage, source, team } = filters;
    let teamOk = (_: Referral) => true;
    if (team) {
      const rows: { id: number; team: string | null }[] = await this.db('users').select('id', 'team');
      const inTeam = new Set(rows.filter((u) => (team === NO_TEAM ? !!u.team : u.team === team)).map((u) => Number(u.id)));
      teamOk = team === NO_TEAM
        ? (r) => r.coordinator_id === null || !inTeam.has(r.coordinator_id)
        : (r) => r.coordinator_id !== null && inTeam.has(r.coordinator_id);
    }
    return (r) => matchesCode(r.stage_offered, stage) && matchesCode(r.referral_source, source) && teamOk(r);
  }

  /** Up to date, every referral passing the filters, whatever its dates, in id order. */
  referralsMatching(filters: Filters, also: (r: Referral) => boolean = () => true): Promise<Referral[]> {
    return this.select(filters, () => true, also);
  }

  /** Up to date, the referrals with any step in the range that pass the filters, with their children (as the annual return's loader reads them). */
  async casesIn(range: { from: string; to: string }, filters: Filters): Promise<StoredCases> {
    const referrals = await this.select(filters, (e) => e.first <= range.to && e.last >= range.from, (r) => activeIn(r, range));
    return { referrals, children: this.childrenOf(referrals) };
  }

  private async select(filters: Filters, near: (e: Entry) => boolean, also: (r: Referral) => boolean): Promise<Referral[]> {
    await this.refresh();
    const ok = await this.matching(filters);
    const out: Referral[] = [];
    for (const e of this.referrals.values()) if (near(e) && also(e.referral) && ok(e.referral)) out.push(e.referral);
    if (!this.inIdOrder) out.sort((a, b) => a.id - b.id);
    return out;
  }

  /** The children on the referrals, each once, then the records they were merged into (a stamp per child id marks those taken, far quicker than a set). */
  private childrenOf(referrals: Referral[]): Child[] {
    const stamp = ++this.stamp;
    const take = (id: number) => {
      if (id >= this.taken.length) {
        const grown = new Uint32Array(Math.max(id + 1, this.taken.length * 2));
        grown.set(this.taken);
        this.taken = grown;
      }
      if (this.taken[id] === stamp) return false;
      this.taken[id] = stamp;
      return true;
    };
    return childrenOn(referrals, (id) => this.children[id], take);
  }

  /** How many referrals and children the store holds. */
  get size(): { referrals: number; children: number } {
    return { referrals: this.referrals.size, children: this.childCount };
  }
}

/** Any step of the referral dated in the range (what the annual return's activeIn selects in SQL). */
export function activeIn(r: Referral, range: { from: string; to: string }): boolean {
  if (inRange(r.referral_date, range) || inRange(r.offer_date, range) || inRange(r.consent_date, range)
    || inRange(r.initial_fgc_date, range) || inRange(r.closure_date, range)) return true;
  for (const d of r.review_dates) if (inRange(d, range)) return true;
  return false;
}

/** The oldest transaction still running (PostgreSQL): every one before it has committed or rolled back. */
async function snapshotXmin(db: Knex): Promise<bigint> {
  const r = await db.raw('select pg_snapshot_xmin(pg_current_snapshot())::text as xmin');
  return BigInt(r.rows[0].xmin);
}

const stores = new WeakMap<Knex, CaseStore>();

/** The one case store for a database in this process. */
export function caseStore(db: Knex): CaseStore {
  let s = stores.get(db);
  if (!s) stores.set(db, (s = new CaseStore(db)));
  return s;
}
