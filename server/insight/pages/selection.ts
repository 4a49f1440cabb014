// What every insight page shares: the pages, the selection a request asks for (period and
// filters), and what each page shows around its figures.
import type { Request } from 'express';
import { can } from '../../auth/roles.js';
import { todayIso } from '../../common/dates.js';
import { insightService, type Basics, type Selection } from '../service.js';
import { describeFilters, filterQuery, noFilters, parseFilters } from '../filters.js';
import { parsePeriod, periodQuery, yearsOffered, type ParsedPeriod } from '../period.js';
import { formatCell, isNumeric, type InsightTable } from '../tables.js';

export const INSIGHT_PAGES = [
  { key: 'funnel', path: '/insight', title: 'Take-up' },
  { key: 'refusals', path: '/insight/refusals', title: 'Why FGCs do not happen' },
  { key: 'equity', path: '/insight/equity', title: 'Equity of access' },
  { key: 'timeliness', path: '/insight/timeliness', title: 'Timeliness' },
  { key: 'outcomes', path: '/insight/outcomes', title: 'Outcomes' },
  { key: 'plans', path: '/insight/plans', title: 'Plans' },
  { key: 'trends', path: '/insight/trends', title: 'Trends' },
] as const;
export type PageKey = (typeof INSIGHT_PAGES)[number]['key'];

export type InsightService = ReturnType<typeof insightService>;

/** The figures of one page for a selection: its tables (by id) and what the template needs. */
export type PageFigures = (service: InsightService, req: Request, basics: Basics, sel: Selection, today: string) => Promise<{ tables: InsightTable[]; view: Record<string, unknown> }>;

const qs = (params: Record<string, string>) => new URLSearchParams(params).toString();

/** The selection a request asks for, and what every insight page shows around its figures. */
export async function insightSelection(service: InsightService, req: Request, page: PageKey) {
  const today = todayIso();
  const basics = await service.basicsNow();
  const parsed: ParsedPeriod = parsePeriod(req.query as Record<string, unknown>, today);
  const filters = parseFilters(req.query as Record<string, unknown>, basics.options);
  const selectionQuery = parsed.period ? { ...periodQuery(parsed.period), ...filterQuery(filters) } : { ...filterQuery(filters) };
  const query = qs(selectionQuery);
  const current = INSIGHT_PAGES.find((p) => p.key === page)!;
  const locals = {
    title: current.title,
    page,
    pages: INSIGHT_PAGES,
    today,
    basics,
    parsed,
    errors: parsed.errors,
    filters,
    options: basics.options,
    years: yearsOffered(today, basics.earliest),
    quarters: [1, 2, 3, 4].map((q) => ({ value: String(q), text: `Quarter ${q} (${['April to June', 'July to September', 'October to December', 'January to March'][q - 1]})` })),
    query,
    selectionQuery,
    filterText: describeFilters(filters, basics.options),
    filtered: !noFilters(filters),
    formatCell,
    isNumeric,
    downloadLink: (table: InsightTable, format: 'csv' | 'xlsx', publication: boolean, extra: Record<string, string> = {}) =>
      `/insight/download?${qs({ ...selectionQuery, ...extra, page, table: table.id, format, ...(publication ? { publication: '1' } : {}) })}`,
    canUpload: can(req.user?.role, 'returns'),
  };
  const selection: Selection | null = parsed.period ? { period: parsed.period, filters } : null;
  return { today, basics, selection, locals };
}
