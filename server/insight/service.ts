// The insight pages' figures for a selection (period and filters): take-up and trends counted in
// the database (funnel-counts.ts, trend-counts.ts), the other pages counted by the pure modules
// over the case data each needs (SPECS), the results kept until the data changes and worked
// out again in the background (warm, watch) so that people rarely wait for them.
import type { Knex } from 'knex';
import { loadCodeLists, type CodeLists } from '../codes/code-lists.js';
import { addMonths, inRange, todayIso } from '../common/dates.js';
import type { Referral } from '../cases/types.js';
import { countPeriod, narrowCases, type CaseData, type Range } from './common.js';
import { LruCache, dataVersion } from './cache.js';
import { applyFilters, earliestReferralDate, loadInsightCases, loadTeams, type Needs } from './data.js';
import { filterOptions, noFilters, type FilterOptions, type Filters } from './filters.js';
import { parsePeriod, type Period } from './period.js';
import { activityTable, funnelTable } from './funnel.js';
import { funnelCounts } from './funnel-counts.js';
import { refusalFigures, type RefusalDimension } from './refusals.js';
import { equityFigures, equityTable, type EquityDimension } from './equity.js';
import { getComparison, listComparisons, type ComparisonSummary } from './comparison-repository.js';
import { timelinessFigures, type TimelinessFigures } from './timeliness.js';
import { dueOutcomes, dueTable, outcomeFigures, type DueOutcome } from './outcomes.js';
import { planFigures } from './plans.js';
import { trendRange, trendTable, type TrendMonth } from './trends.js';
import { trendCounts } from './trend-counts.js';
import type { InsightTable } from './tables.js';

export interface Selection {
  period: Period;
  filters: Filters;
}

export interface Basics {
  version: string;
  codes: CodeLists;
  options: FilterOptions;
  earliest: string | null;
}

/** Figures worked out before the latest change to the data carry when they were worked out. */
export interface Freshness {
  asOf?: number;
}

/** Outcomes listed on the page; the download has them all. */
export const DUE_SHOWN = 100;

const filterKey = (f: Filters) => `${f.stage}|${f.source}|${f.team}`;
const selectionKey = (sel: Selection) => `${sel.period.from}|${sel.period.to}|${filterKey(sel.filters)}`;

/**
 * What each page reads of the period's case data. A page's populations depend only on each
 * referral's own dates, so a page loads only the referrals with those dates in the period, the
 * columns it reads and the related rows it counts (the children's characteristics are most of
 * the cost, and only two pages count by them). The full set (`all`: every referral active in
 * the period, everything) serves every page: the background warm-up loads it once.
 */
const SPECS = {
  /** timeliness: FGCs offered, consented, conferenced and plans agreed in the period, with their dates */
  timeliness: {
    activeBy: ['offer_date', 'consent_date', 'initial_fgc_date'],
    referralColumns: ['id', 'referral_date', 'offer_date', 'consent_decision', 'consent_date', 'initial_fgc_date', 'plan_agreed', 'plan_date'],
  },
  /** plans: conferences held in the period, their plans and what they provide */
  plans: {
    activeBy: ['initial_fgc_date'], planContent: true,
    referralColumns: ['id', 'referral_date', 'initial_fgc_date', 'plan_agreed', 'plan_date', 'plan_sent_date'],
  },
  /** outcomes: conferences held, and episodes closed without one, in the period, with each child's outcomes */
  outcomes: {
    activeBy: ['initial_fgc_date', 'closed_without_conference'], outcomes: true,
    referralColumns: ['id', 'referral_ref', 'family_id', 'referral_date', 'initial_fgc_date', 'closure_date'],
  },
  /**
   * why FGCs do not happen, by stage offered: referrals, consent decisions and closures without
   * a conference in the period, and the children of those declined or closed (no characteristics)
   */
  refusals: {
    activeBy: ['referral_date', 'consent_date', 'closed_without_conference'], referralChildren: true, childrenOnlyOf: declinedOrNotHeld,
    referralColumns: ['id', 'referral_date', 'stage_offered', 'consent_decision', 'consent_date', 'decline_reason', 'consent_withdrawn_date', 'initial_fgc_date', 'fgc_not_held_reason', 'closure_date'],
  },
  /** equity: children referred, consented and conferenced in the period, with their characteristics */
  equity: {
    activeBy: ['referral_date', 'consent_date', 'initial_fgc_date'], characteristics: true,
    referralColumns: ['id', 'referral_date', 'consent_decision', 'consent_date', 'initial_fgc_date'],
  },
  /** why FGCs do not happen by a child's characteristic (and any page): everything */
  all: { characteristics: true, outcomes: true, reviews: true, planContent: true },
} satisfies Record<string, Needs>;
type Spec = keyof typeof SPECS;

/** Declined (or no response) or closed without a conference in the range, as computeReturn counts them: the FGCs whose children the refusal reasons count. */
function declinedOrNotHeld(r: Referral, range: { from: string; to: string }): boolean {
  const declined = inRange(r.consent_date, range) && (r.consent_decision === 'DECLINED' || r.consent_decision === 'NORESP');
  return declined || (!r.initial_fgc_date && inRange(r.closure_date, range));
}

/** How long a selection someone looked at is worked out again after each change, and the least pause between two such runs. */
export const KEEP_WARM_MS = 8 * 60 * 60 * 1000;
const MIN_PAUSE_MS = 2000;

/** The latest conference date whose outcome `months` later is due by `today` (addMonths clamps month ends). */
export function lastDueConference(today: string, months: number): string {
  let d = addMonths(today, -months);
  for (let i = 0; i < 4; i++) {
    const next = new Date(Date.parse(`${d}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
    if (addMonths(next, months) <= today) d = next;
    else break;
  }
  return d;
}

const instances = new WeakMap<Knex, InsightService>();

/** The one insight service for a database, so every router and the benchmark share its cache. */
export function insightService(db: Knex): InsightService {
  let s = instances.get(db);
  if (!s) instances.set(db, (s = new InsightService(db)));
  return s;
}

export class InsightService {
  private readonly data = new LruCache<CaseData>(8);
  /** the full sets of case data loaded with no filters: data key -> period */
  private readonly fullSets = new Map<string, Range>();
  private readonly warmed = new Map<string, Promise<void>>();
  private readonly pages = new LruCache<unknown>(100);
  private readonly basics = new LruCache<Omit<Basics, 'version'>>(1);
  /** selections people looked at (key -> selection, day and when), worked out again when the data changes */
  private readonly viewed = new Map<string, { sel: Selection; today: string; at: number }>();
  private watcher: NodeJS.Timeout | null = null;

  constructor(private readonly db: Knex) {}

  /** Forgets every cached figure (the benchmark measures the pages from nothing with it). */
  clear(): void {
    this.data.clear();
    this.fullSets.clear();
    this.pages.clear();
    this.basics.clear();
    this.warmed.clear();
  }

  /** Remembers that someone looked at a selection, so it is worked out again in the background after a change. */
  viewedNow(sel: Selection, today: string): void {
    this.viewed.delete(selectionKey(sel));
    this.viewed.set(selectionKey(sel), { sel, today, at: Date.now() });
    while (this.viewed.size > 20) this.viewed.delete(this.viewed.keys().next().value!);
  }

  /**
   * Every `intervalMs`, checks the data version (one small query); when it has changed, works
   * out again every page of the selections looked at in the last KEEP_WARM_MS, one run at a
   * time, pausing between runs at least twice as long as the last run took (so at most a third
   * of the time goes on it however often the data changes). Each process keeps its own cache,
   * checked against the data version in the database, so several processes stay correct.
   */
  watch(intervalMs = 2000, onError: (e: unknown) => void = () => undefined): void {
    if (this.watcher) return;
    let seen: string | null = null;
    let running = false;
    let notBefore = 0;
    this.watcher = setInterval(() => {
      if (running || Date.now() < notBefore) return;
      running = true;
      const started = Date.now();
      (async () => {
        const version = await dataVersion(this.db);
        if (version === seen) return;
        seen = version;
        const b = await this.basicsNow();
        for (const [key, v] of this.viewed) {
          if (Date.now() - v.at > KEEP_WARM_MS) this.viewed.delete(key);
          else await this.warm(b, v.sel, v.today);
        }
      })()
        .catch(onError)
        .finally(() => {
          running = false;
          notBefore = Date.now() + Math.max(MIN_PAUSE_MS, 2 * (Date.now() - started));
        });
    }, intervalMs);
    this.watcher.unref();
  }

  unwatch(): void {
    if (this.watcher) clearInterval(this.watcher);
    this.watcher = null;
  }

  /** Code lists, filter options and the earliest referral date, for the current data version. */
  async basicsNow(): Promise<Basics> {
    const version = await dataVersion(this.db);
    const b = await this.basics.get('basics', version, async () => {
      const [codes, teams, earliest] = await Promise.all([loadCodeLists(this.db), loadTeams(this.db), earliestReferralDate(this.db)]);
      return { codes, options: filterOptions(codes, teams), earliest };
    });
    return { version, ...b };
  }

  /**
   * The selection's case data for a page: the full set if it is loaded (or being loaded); else
   * the referrals passing the filters among a full set loaded for a period containing this one
   * with no filters (so a quarter, or a stage or source, is counted without loading anything);
   * else what the page needs.
   */
  private caseData(b: Basics, sel: Selection, spec: Spec): Promise<CaseData> {
    const key = (s: Spec | 'narrowed') => `${selectionKey(sel)}|${s}`;
    const fullLoaded = this.data.peek(key('all'), b.version) !== undefined;
    if (!fullLoaded) {
      const wider = this.widerFullSet(b.version, sel);
      if (wider) return this.data.get(key('narrowed'), b.version, async () => narrowCases(await wider, sel.filters));
    }
    const use: Spec = fullLoaded ? 'all' : spec;
    return this.data.get(key(use), b.version, async () => {
      const cases = await loadInsightCases(this.db, sel.period, sel.filters, SPECS[use]);
      if (use === 'all' && noFilters(sel.filters)) this.fullSets.set(key(use), sel.period);
      return { ...cases, codes: b.codes };
    });
  }

  /** A full set of case data for this data version, with no filters, for a period containing the selection's (not for a team filter). */
  private widerFullSet(version: string, sel: Selection): CaseData | Promise<CaseData> | undefined {
    if (sel.filters.team) return undefined;
    for (const [key, period] of this.fullSets) {
      const data = this.data.peek(key, version);
      if (data === undefined) {
        if (!this.data.has(key)) this.fullSets.delete(key);
        continue;
      }
      if (period.from <= sel.period.from && sel.period.to <= period.to) return data;
    }
    return undefined;
  }

  /**
   * A page's figures for the selection at this data version. With `waitMs` (the pages people
   * are looking at), figures worked out before the latest change are good enough when the new
   * ones take longer than that: they come with `asOf`, when they were worked out, and the new
   * ones are kept for the next ask.
   */
  private async page<T extends object>(name: string, b: Basics, sel: Selection, extra: string, make: () => Promise<T>, waitMs?: number): Promise<T & Freshness> {
    const key = `${name}|${selectionKey(sel)}|${extra}`;
    if (waitMs === undefined) return (await this.pages.get(key, b.version, make)) as T;
    const { value, asOf } = await this.pages.getWithin(key, b.version, make, waitMs);
    return asOf === null ? (value as T) : { ...(value as T), asOf };
  }

  /** Whether a page's figures for a selection are cached (worked out, or being worked out) for this data version. */
  hasPage(name: string, version: string, sel: Selection, extra = ''): boolean {
    return this.pages.peek(`${name}|${selectionKey(sel)}|${extra}`, version) !== undefined;
  }

  funnel(b: Basics, sel: Selection, waitMs?: number) {
    return this.page('funnel', b, sel, '', async () => {
      const { steps, activity } = await funnelCounts(this.db, sel.period, sel.filters);
      return { steps, tables: [funnelTable(steps), activityTable(activity)] };
    }, waitMs);
  }

  refusals(b: Basics, sel: Selection, by: RefusalDimension, waitMs?: number) {
    return this.page('refusals', b, sel, by, async () => {
      const f = refusalFigures(await this.caseData(b, sel, by === 'stageOffered' ? 'refusals' : 'all'), sel.period, by);
      return { tables: f.tables, byTables: f.byTables };
    }, waitMs);
  }

  async comparisons(): Promise<ComparisonSummary[]> {
    return listComparisons(this.db);
  }

  equity(b: Basics, sel: Selection, comparisonId: number | null, waitMs?: number) {
    return this.page('equity', b, sel, String(comparisonId), async (): Promise<{ dimensions: EquityDimension[]; tables: InsightTable[] }> => {
      const [data, comparison] = await Promise.all([this.caseData(b, sel, 'equity'), comparisonId ? getComparison(this.db, comparisonId) : null]);
      const dimensions = equityFigures(countPeriod(data, sel.period), comparison?.data ?? null);
      return { dimensions, tables: dimensions.map(equityTable) };
    }, waitMs);
  }

  timeliness(b: Basics, sel: Selection, waitMs?: number) {
    return this.page('timeliness', b, sel, '', async (): Promise<{ figures: TimelinessFigures; tables: InsightTable[] }> => {
      const t = timelinessFigures(await this.caseData(b, sel, 'timeliness'), sel.period);
      return { figures: t.figures, tables: t.tables };
    }, waitMs);
  }

  outcomes(b: Basics, sel: Selection, today: string, waitMs?: number) {
    return this.page('outcomes', b, sel, today, async () => {
      const [o, due] = await Promise.all([
        this.caseData(b, sel, 'outcomes').then((data) => outcomeFigures(data, sel.period, today)),
        // the same for every period: kept by filters and day
        this.pages.get(`due|${filterKey(sel.filters)}|${today}`, b.version, () => this.dueSummary(sel.filters, today)) as ReturnType<InsightService['dueSummary']>,
      ]);
      return { heldChildren: o.held.children, notHeldChildren: o.notHeld.children, tables: o.tables, due };
    }, waitMs);
  }

  plans(b: Basics, sel: Selection, waitMs?: number) {
    return this.page('plans', b, sel, '', async () => {
      const p = planFigures(await this.caseData(b, sel, 'plans'), sel.period);
      return { held: p.held, agreed: p.agreed, sent: p.sent, tables: p.tables };
    }, waitMs);
  }

  trends(b: Basics, filters: Filters, today: string, waitMs?: number) {
    const range = trendRange(today);
    const sel = { period: { from: range.from, to: range.to, label: 'last 24 months', kind: 'dates' as const }, filters };
    return this.page('trends', b, sel, today, async (): Promise<{ trend: TrendMonth[]; tables: InsightTable[] }> => {
      const trend = await trendCounts(this.db, range, filters);
      return { trend, tables: [trendTable(trend)] };
    }, waitMs);
  }

  /**
   * Works out every page for a selection in the background, one after another, so moving
   * between the pages is quick: done once per selection and data version. The case data is
   * loaded once, with everything every page needs.
   */
  warm(b: Basics, sel: Selection, today: string): Promise<void> {
    const key = `${b.version}|${selectionKey(sel)}|${today}`;
    const running = this.warmed.get(key);
    if (running) return running;
    if (this.warmed.size > 200) this.warmed.clear();
    const work = (async () => {
      const comparisons = await this.comparisons();
      const steps: (() => Promise<unknown>)[] = [
        () => this.funnel(b, sel),
        () => this.caseData(b, sel, 'all'),
        () => this.refusals(b, sel, 'stageOffered'),
        () => this.equity(b, sel, comparisons[0]?.id ?? null),
        () => this.timeliness(b, sel),
        () => this.plans(b, sel),
        () => this.outcomes(b, sel, today),
        () => this.trends(b, sel.filters, today),
      ];
      for (const step of steps) {
        await new Promise((resolve) => setImmediate(resolve));
        await step();
      }
    })();
    this.warmed.set(key, work);
    work.catch(() => this.warmed.delete(key));
    return work;
  }

  /** The background work for a selection at a data version, if it has been started. */
  warming(version: string, sel: Selection, today: string): Promise<void> | undefined {
    return this.warmed.get(`${version}|${selectionKey(sel)}|${today}`);
  }

  /** Works out every page for the current financial year with no filters (what the pages show first). */
  async warmDefault(today = todayIso()): Promise<void> {
    const b = await this.basicsNow();
    await this.warm(b, { period: parsePeriod({}, today).period!, filters: { stage: '', source: '', team: '' } }, today);
  }

  /** How many outcomes are due and not recorded (all FGCs held up to today), and the oldest of them. */
  async dueSummary(filters: Filters, today: string): Promise<{ count: number; shown: DueOutcome[] }> {
    const candidates = (months: 6 | 12) => {
      const [legal, living] = months === 6 ? ['outcome_6m_legal_status', 'outcome_6m_living'] : ['outcome_12m_legal_status', 'outcome_12m_living'];
      const q = this.db('referrals').where('initial_fgc_date', '<=', lastDueConference(today, months)).whereExists(
        this.db('referral_children as rc').select(this.db.raw('1')).whereRaw('rc.referral_id = referrals.id')
          .where((w) => w.whereNull(`rc.${legal}`).orWhere(`rc.${legal}`, '').orWhereNull(`rc.${living}`).orWhere(`rc.${living}`, '')),
      );
      return applyFilters(this.db, q, filters);
    };
    // the oldest DUE_SHOWN of each, with how many there are in all (counted over every row before the limit)
    const oldest = (months: 6 | 12) => candidates(months).select('id', this.db.raw('count(*) over () as n'))
      .orderBy([{ column: 'initial_fgc_date' }, { column: 'id' }]).limit(DUE_SHOWN);
    const [first6, first12] = await Promise.all([oldest(6), oldest(12)]);
    const total = (rows: any[]) => Number(rows[0]?.n ?? 0);
    const ids = [...new Set([...first6, ...first12].map((r: any) => Number(r.id)))];
    const shown = ids.length ? dueOutcomes(await this.dueReferrals((q) => q.whereIn('id', ids)), today).slice(0, DUE_SHOWN) : [];
    return { count: total(first6) + total(first12), shown };
  }

  /** Every outcome due and not recorded, for the download. */
  async allDue(filters: Filters, today: string): Promise<InsightTable> {
    const referrals = await this.dueReferrals((q) => applyFilters(this.db, q.whereNotNull('initial_fgc_date').where('initial_fgc_date', '<=', lastDueConference(today, 6)), filters));
    return dueTable(dueOutcomes(referrals, today));
  }

  private async dueReferrals(where: (q: Knex.QueryBuilder) => Knex.QueryBuilder) {
    const rows = await where(this.db('referrals').select('id', 'referral_ref', 'family_id', 'initial_fgc_date'));
    const byId = new Map<number, any>(rows.map((r: any) => [r.id, { ...r, children: [] }]));
    if (!byId.size) return [];
    const links = await this.db('referral_children').select('referral_id', 'outcome_6m_legal_status', 'outcome_6m_living', 'outcome_12m_legal_status', 'outcome_12m_living')
      .whereIn('referral_id', where(this.db('referrals').select('id')));
    for (const l of links) byId.get(l.referral_id)?.children.push(l);
    return [...byId.values()];
  }
}
