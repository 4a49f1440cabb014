// The insight pages (permission 'insight': managers and data leads) and the comparison
// population upload (permission 'returns': data leads). Thin handlers: parse the selection,
// ask the service for the figures, render. No page shows a child's name or date of birth.
import { Router, type NextFunction, type Request, type Response } from 'express';
import type { Services } from '../services.js';
import { requirePermission } from '../auth/authorisation.js';
import { can } from '../auth/roles.js';
import { auditEvent } from '../audit/audit.js';
import { todayIso } from '../common/dates.js';
import { str } from '../common/forms.js';
import { uploadParser } from '../middleware/upload.js';
import { toCsv, toXlsx } from '../common/tabular-export.js';
import { insightService, type Basics, type Selection } from './service.js';
import { describeFilters, filterQuery, noFilters, parseFilters } from './filters.js';
import { parsePeriod, periodQuery, yearsOffered, type ParsedPeriod } from './period.js';
import { REFUSAL_DIMENSIONS, isRefusalDimension } from './refusals.js';
import { EQUITY_DIMENSIONS, SMALL_NUMBER } from './equity.js';
import { exportColumns, formatCell, isNumeric, type InsightTable } from './tables.js';
import { suppressForPublication } from './suppression.js';
import { tableBars, tableLines } from './page-charts.js';
import { nameProblem, parseComparisonCsv, SAMPLE_CSV } from './comparison.js';
import { deleteComparison, listComparisons, saveComparison } from './comparison-repository.js';
import { DUE_SHOWN } from './service.js';
import { SENT_WITHIN_WORKING_DAYS } from './plans.js';
import { outcomeTableState } from './outcomes.js';

export const INSIGHT_PAGES = [
  { key: 'funnel', path: '/insight', title: 'Take-up' },
  { key: 'refusals', path: '/insight/refusals', title: 'Why FGCs do not happen' },
  { key: 'equity', path: '/insight/equity', title: 'Equity of access' },
  { key: 'timeliness', path: '/insight/timeliness', title: 'Timeliness' },
  { key: 'outcomes', path: '/insight/outcomes', title: 'Outcomes' },
  { key: 'plans', path: '/insight/plans', title: 'Plans' },
  { key: 'trends', path: '/insight/trends', title: 'Trends' },
] as const;
type PageKey = (typeof INSIGHT_PAGES)[number]['key'];

export const COMPARISON_PATH = '/insight/comparison';
export const COMPARISON_LIMIT_BYTES = 1024 * 1024;

const parseComparisonUpload = uploadParser(COMPARISON_PATH, COMPARISON_LIMIT_BYTES);

/**
 * Multipart parsing for the comparison population upload (see uploadParser: mount it app-wide
 * after sign-in and before the CSRF check). While it is not mounted, the page offers the paste
 * box only.
 */
export function comparisonUploadParser(req: Request, res: Response, next: NextFunction) {
  req.app.locals.comparisonUploadParser = true;
  parseComparisonUpload(req, res, next);
}

const qs = (params: Record<string, string>) => new URLSearchParams(params).toString();

export function insightRoutes(services: Services): Router {
  const { db } = services;
  const service = insightService(db);
  const router = Router();
  const insight = requirePermission('insight');
  const returns = requirePermission('returns');

  /** The selection a request asks for, and what every insight page shows around its figures. */
  async function context(req: Request, page: PageKey) {
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

  /** The figures of one page for a selection: its tables (by id) and what the template needs. */
  async function figures(page: PageKey, req: Request, basics: Basics, sel: Selection, today: string): Promise<{ tables: InsightTable[]; view: Record<string, unknown> }> {
    switch (page) {
      case 'funnel': {
        const f = await service.funnel(basics, sel);
        const [funnel, activity] = f.tables;
        return { tables: f.tables, view: { funnel, activity, chart: tableBars(funnel, [{ key: 'fgcs', name: 'FGCs' }, { key: 'children', name: 'Children' }], 'count') } };
      }
      case 'refusals': {
        const by = isRefusalDimension(str(req.query.by)) ? (str(req.query.by) as (typeof REFUSAL_DIMENSIONS)[number]['key']) : 'stageOffered';
        const f = await service.refusals(basics, sel, by);
        const [declines, notHeld] = f.tables;
        const [decisions] = f.byTables;
        return {
          tables: [...f.tables, ...f.byTables],
          view: {
            by, dimensions: REFUSAL_DIMENSIONS, declines, notHeld, byTables: f.byTables, extra: { by },
            charts: {
              declines: tableBars(declines, [{ key: 'fgcs', name: 'FGCs' }], 'count'),
              notHeld: tableBars(notHeld, [{ key: 'fgcs', name: 'FGCs' }], 'count'),
              decisions: tableBars(decisions, [{ key: 'shareDeclined', name: 'Share not consented' }], 'percent', { skipZero: false, title: `${decisions.title}: share not consented` }),
            },
          },
        };
      }
      case 'equity': {
        const comparisons = await service.comparisons();
        const wanted = Number(str(req.query.comparison));
        const chosen = comparisons.find((c) => c.id === wanted) ?? (str(req.query.comparison) === 'none' ? null : comparisons[0] ?? null);
        const f = await service.equity(basics, sel, chosen?.id ?? null);
        const charts = f.tables.map((t, i) => {
          const d = f.dimensions[i];
          const cols = d.compared
            ? [{ key: 'comparisonShare', name: 'Comparison population' }, { key: 'referredShare', name: 'Referred' }, { key: 'tookPlaceShare', name: 'Conferenced' }]
            : [{ key: 'referredShare', name: 'Referred' }, { key: 'consentedShare', name: 'Consented' }, { key: 'tookPlaceShare', name: 'Conferenced' }];
          const t2 = { ...t, rows: t.rows.filter((r) => !r.total && r.cells.referredShare !== null) };
          return tableBars(t2, cols, 'percent', { title: `Shares of children by ${d.label.toLowerCase()}` });
        });
        const anySmall = f.tables.some((t) => t.rows.some((r) => r.warning));
        return {
          tables: f.tables,
          view: { comparisons, chosen, dimensions: f.dimensions, equityTables: f.tables, charts, anySmall, smallNumber: SMALL_NUMBER, extra: { comparison: chosen ? String(chosen.id) : 'none' }, equityDimensions: EQUITY_DIMENSIONS },
        };
      }
      case 'timeliness': {
        const f = await service.timeliness(basics, sel);
        const [overall, consent, conference] = f.tables;
        const months = f.figures.months.map((_, i) => ({ cells: { month: consent.rows[i].cells.month, consent: consent.rows[i].cells.median, conference: conference.rows[i].cells.median } }));
        const chartTable: InsightTable = { id: 'timeliness-by-month', title: 'Median days from referral, by month', columns: consent.columns, rows: months };
        return {
          tables: f.tables,
          view: { overall, consent, conference, chart: months.length > 1 ? tableLines(chartTable, [{ key: 'consent', name: 'To consent' }, { key: 'conference', name: 'To conference' }], 'days', 'Median days') : null },
        };
      }
      case 'outcomes': {
        const f = await service.outcomes(basics, sel, today);
        // a chart only where outcomes are recorded: none due, or none recorded, is said in words
        const states = f.tables.map(outcomeTableState);
        const charts = f.tables.map((t, i) => states[i].state !== 'recorded' ? null : tableBars(
          { ...t, rows: t.rows.filter((r) => r.cells.heldShare !== null || r.cells.notHeldShare !== null) },
          [{ key: 'heldShare', name: 'FGC held' }, { key: 'notHeldShare', name: 'No FGC held' }], 'percent', { skipZero: true, title: `${t.title}: shares of the children with it recorded` }));
        return { tables: f.tables, view: { ...f, charts, states, dueShown: DUE_SHOWN } };
      }
      case 'plans': {
        const f = await service.plans(basics, sel);
        const [agreed, content, sent] = f.tables;
        return {
          tables: f.tables,
          view: { ...f, agreedTable: agreed, contentTable: content, sentTable: sent, withinDays: SENT_WITHIN_WORKING_DAYS,
            charts: { content: tableBars(content, [{ key: 'fgcs', name: 'Plans' }], 'count'), sent: tableBars(sent, [{ key: 'fgcs', name: 'Plans' }], 'count') } },
        };
      }
      case 'trends': {
        const f = await service.trends(basics, sel.filters, today);
        const [t] = f.tables;
        // the month not over yet is in the table, marked, but not drawn: it would look like a collapse
        const partial = t.rows.find((r) => r.partial);
        const lines = tableLines({ ...t, rows: t.rows.filter((r) => !r.partial) }, [{ key: 'referrals', name: 'Referrals' }, { key: 'conferences', name: 'Initial conferences' }, { key: 'reviews', name: 'Reviews' }], 'count', 'FGCs',
          undefined, partial ? `${partial.cells.month} is not drawn: the month is not over.` : undefined);
        return { tables: f.tables, view: { trendTable: t, chart: lines } };
      }
    }
  }

  for (const p of INSIGHT_PAGES) {
    router.get(p.path, insight, async (req, res) => {
      const { today, basics, selection, locals } = await context(req, p.key);
      if (!selection) return res.status(400).render(`insight/${p.key}`, { ...locals, ready: false });
      const { view } = await figures(p.key, req, basics, selection, today);
      res.render(`insight/${p.key}`, { ...locals, ...view, ready: true });
    });
  }

  router.get('/insight/download', insight, async (req, res) => {
    const page = INSIGHT_PAGES.find((p) => p.key === str(req.query.page));
    const format = str(req.query.format);
    const publication = str(req.query.publication) === '1';
    const { today, basics, selection } = await context(req, page?.key ?? 'funnel');
    if (!page || !selection || !['csv', 'xlsx'].includes(format)) {
      return res.status(400).render('errors/problem', { title: 'Sorry, there is a problem', message: 'The download link is not complete. Go back to the insight page and use its download links.' });
    }
    const tableId = str(req.query.table);
    let table: InsightTable | undefined;
    if (page.key === 'outcomes' && tableId === 'outcomes-due') table = publication ? undefined : await service.allDue(selection.filters, today);
    else table = (await figures(page.key, req, basics, selection, today)).tables.find((t) => t.id === tableId);
    if (!table) return res.status(404).render('errors/not-found', { title: 'Page not found' });
    const out = publication ? suppressForPublication(table) : table;
    const periodLabel = page.key === 'trends' ? `24-months-to-${today}` : selection.period.label;
    const name = `fgc-insight-${table.id}-${periodLabel}${publication ? '-for-publication' : ''}`.toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/-+/g, '-');
    await auditEvent(db, req.user!.id, 'export', 'insight', `${table.id}, ${periodLabel}, ${describeFilters(selection.filters, basics.options)}, ${format}${publication ? ', for publication' : ''}`);
    if (format === 'csv') return res.attachment(`${name}.csv`).type('csv').send(toCsv(exportColumns(out), out.rows));
    res.attachment(`${name}.xlsx`).type('xlsx').send(await toXlsx(table.title, exportColumns(out), out.rows));
  });

  // Comparison populations: uploaded by the data lead, used on the equity page.
  async function renderComparison(req: Request, res: Response, status: number, extra: Record<string, unknown> = {}) {
    res.status(status).render('insight/comparison', {
      title: 'Comparison populations',
      comparisons: await listComparisons(db),
      values: { name: '', csv: '' },
      errors: {},
      problems: [],
      fileUpload: !!req.app.locals.comparisonUploadParser,
      limitMb: COMPARISON_LIMIT_BYTES / 1024 / 1024,
      saved: null,
      deleted: false,
      backLink: '/insight/equity',
      ...extra,
    });
  }

  router.get(COMPARISON_PATH, returns, async (req, res) => {
    const saved = Number(str(req.query.saved));
    await renderComparison(req, res, 200, { saved: Number.isInteger(saved) && saved > 0 ? saved : null, deleted: str(req.query.deleted) === '1' });
  });

  router.get(`${COMPARISON_PATH}/sample.csv`, returns, (_req, res) => {
    res.attachment('comparison-population-sample.csv').type('csv').send(SAMPLE_CSV);
  });

  router.post(COMPARISON_PATH, returns, async (req, res) => {
    const name = str(req.body?.name);
    const pasted = typeof req.body?.csv === 'string' ? req.body.csv : '';
    const values = { name, csv: pasted };
    const errors: Record<string, string> = {};
    const uploadError = req.uploadError;
    const file = req.file;
    const nameError = nameProblem(name);
    if (nameError) errors.name = nameError;
    let text: string | null = null;
    if (uploadError) errors.file = uploadError;
    else if (file && file.size && pasted.trim()) errors.csv = 'Choose a file or paste the figures, not both';
    else if (file && file.size) {
      if (!/\.(csv|txt)$/i.test(file.originalname)) errors.file = 'The selected file must be a CSV file';
      else if (file.buffer.includes(0)) errors.file = 'The selected file must be a CSV file saved as text (UTF-8)';
      else text = file.buffer.toString('utf8');
    } else if (file && !file.size) errors.file = 'The selected file is empty';
    else if (pasted.trim()) text = pasted;
    else errors.csv = 'Choose a CSV file or paste the figures';
    let problems: { row: number | null; message: string }[] = [];
    if (text !== null) {
      const parsed = parseComparisonCsv(text, (await service.basicsNow()).codes);
      problems = parsed.problems;
      if (problems.length) {
        const field = file ? 'file' : 'csv';
        errors[field] = problems.length === 1 ? problems[0].message : `The figures have ${problems.length} problems, listed below. Nothing has been saved`;
      } else if (!Object.keys(errors).length) {
        const id = await saveComparison(db, req.user!.id, name, parsed.rows);
        return res.redirect(`${COMPARISON_PATH}?saved=${id}`);
      }
    }
    await renderComparison(req, res, 400, { values, errors, problems });
  });

  router.post(`${COMPARISON_PATH}/delete`, returns, async (req, res) => {
    const id = Number(str(req.body?.id));
    if (!Number.isInteger(id) || id < 1) return renderComparison(req, res, 400, { errors: { comparisons: 'Select a comparison population to delete' } });
    if (!(await deleteComparison(db, req.user!.id, id))) return renderComparison(req, res, 404, { errors: { comparisons: 'That comparison population has already been deleted' } });
    res.redirect(`${COMPARISON_PATH}?deleted=1`);
  });

  return router;
}
