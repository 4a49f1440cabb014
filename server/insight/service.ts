// The insight pages' figures for a selection (period and filters): take-up and trends counted in
// the database (funnel-counts.ts, trend-counts.ts), the other pages counted by the pure modules
// over the selection's case data from the case store (case-store.ts: all the case data in
// memory, brought up to date before each use), the results kept until the data changes and
// worked out again in the background (warm, watch) so that people rarely wait for them.
import type { Knex } from 'knex';
import { loadCodeLists, type CodeLists } from '../codes/code-lists.js';
import { todayIso } from '../common/dates.js';
import { countPeriod, type CaseData } from './common.js';
import { caseStore, type CaseStore } from './case-store.js';
import { LruCache, dataVersion } from './cache.js';
import { earliestReferralDate, loadTeams } from './data.js';
import { filterOptions, type FilterOptions, type Filters } from './filters.js';
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

/** How long a selection someone looked at is worked out again after each change, and the least pause between two such runs. */
export const KEEP_WARM_MS = 8 * 60 * 60 * 1000;
const MIN_PAUSE_MS = 2000;

const instances = new WeakMap<Knex, InsightService>();

/** The one insight service for a database, so every router and the benchmark share its cache. */
export function insightService(db: Knex): InsightService {
  let s = instances.get(db);
  if (!s) instances.set(db, (s = new InsightService(db)));
  return s;
}

export class InsightService {
  private readonly data = new LruCache<CaseData>(8);
  private readonly store: CaseStore;
  private readonly warmed = new Map<string, Promise<void>>();
  private readonly pages = new LruCache<unknown>(100);
  private readonly basics = new LruCache<Omit<Basics, 'version'>>(1);
  /** selections people looked at (key -> selection, day and when), worked out again when the data changes */
  private readonly viewed = new Map<string, { sel: Selection; today: string; at: number }>();
  private watcher: NodeJS.Timeout | null = null;

  constructor(private readonly db: Knex) {
    this.store = caseStore(db);
  }

  /** Forgets every cached figure, not the case store (the benchmark measures the pages from the store alone with it). */
  clear(): void {
    this.data.clear();
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

  /** The selection's case data, from the case store (brought up to date first), shared by the pages of a selection. */
  private caseData(b: Basics, sel: Selection): Promise<CaseData> {
    return this.data.get(selectionKey(sel), b.version, async () => ({ ...(await this.store.casesIn(sel.period, sel.filters)), codes: b.codes }));
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
      const f = refusalFigures(await this.caseData(b, sel), sel.period, by);
      return { tables: f.tables, byTables: f.byTables };
    }, waitMs);
  }

  async comparisons(): Promise<ComparisonSummary[]> {
    return listComparisons(this.db);
  }

  equity(b: Basics, sel: Selection, comparisonId: number | null, waitMs?: number) {
    return this.page('equity', b, sel, String(comparisonId), async (): Promise<{ dimensions: EquityDimension[]; tables: InsightTable[] }> => {
      const [data, comparison] = await Promise.all([this.caseData(b, sel), comparisonId ? getComparison(this.db, comparisonId) : null]);
      const dimensions = equityFigures(countPeriod(data, sel.period), comparison?.data ?? null);
      return { dimensions, tables: dimensions.map(equityTable) };
    }, waitMs);
  }

  timeliness(b: Basics, sel: Selection, waitMs?: number) {
    return this.page('timeliness', b, sel, '', async (): Promise<{ figures: TimelinessFigures; tables: InsightTable[] }> => {
      const t = timelinessFigures(await this.caseData(b, sel), sel.period);
      return { figures: t.figures, tables: t.tables };
    }, waitMs);
  }

  outcomes(b: Basics, sel: Selection, today: string, waitMs?: number) {
    return this.page('outcomes', b, sel, today, async () => {
      const [o, due] = await Promise.all([
        this.caseData(b, sel).then((data) => outcomeFigures(data, sel.period, today)),
        // the same for every period: kept by filters and day
        this.pages.get(`due|${filterKey(sel.filters)}|${today}`, b.version, () => this.dueSummary(sel.filters, today)) as ReturnType<InsightService['dueSummary']>,
      ]);
      return { heldChildren: o.held.children, notHeldChildren: o.notHeld.children, tables: o.tables, due };
    }, waitMs);
  }

  plans(b: Basics, sel: Selection, waitMs?: number) {
    return this.page('plans', b, sel, '', async () => {
      const p = planFigures(await this.caseData(b, sel), sel.period);
      return { held: p.held, agreed: p.agreed, sent: p.sent, tables: p.tables };
    }, waitMs);
  }

  trends(b: Basics, filters: Filters, today: string, waitMs?: number) {
    const range = trendRange(today);
    const sel = { period: { from: range.from, to: range.to, label: 'last 24 months', kind: 'dates' as const }, filters };
    return this.page('trends', b, sel, today, async (): Promise<{ trend: TrendMonth[]; tables: InsightTable[] }> => {
      const trend = await trendCounts(this.db, range, filters);
      return { trend, tables: [trendTable(trend, today)] };
    }, waitMs);
  }

  /**
   * Works out every page for a selection in the background, one after another, so moving
   * between the pages is quick: done once per selection and data version. The selection's case
   * data is picked from the case store once, and counted once for the pages that share it.
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
        () => this.caseData(b, sel),
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
    const due = dueOutcomes(await this.store.referralsMatching(filters, (r) => !!r.initial_fgc_date), today);
    return { count: due.length, shown: due.slice(0, DUE_SHOWN) };
  }

  /** Every outcome due and not recorded, for the download. */
  async allDue(filters: Filters, today: string): Promise<InsightTable> {
    return dueTable(dueOutcomes(await this.store.referralsMatching(filters, (r) => !!r.initial_fgc_date), today));
  }
}
