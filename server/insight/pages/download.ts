// A table of an insight page as CSV or Excel, as shown or suppressed for publication; audited.
import type { Request, Response } from 'express';
import type { Knex } from 'knex';
import { auditEvent } from '../../audit/audit.js';
import { str } from '../../common/forms.js';
import { toCsv, toXlsx } from '../../common/tabular-export.js';
import { describeFilters } from '../filters.js';
import { exportColumns, type InsightTable } from '../tables.js';
import { suppressForPublication } from '../suppression.js';
import { INSIGHT_PAGES, insightSelection, type InsightService } from './selection.js';
import { PAGE_FIGURES } from './figures.js';

export function insightDownload(db: Knex, service: InsightService) {
  return async (req: Request, res: Response) => {
    const page = INSIGHT_PAGES.find((p) => p.key === str(req.query.page));
    const format = str(req.query.format);
    const publication = str(req.query.publication) === '1';
    const { today, basics, selection } = await insightSelection(service, req, page?.key ?? 'funnel');
    if (!page || !selection || !['csv', 'xlsx'].includes(format)) {
      return res.status(400).render('errors/problem', { title: 'Sorry, there is a problem', message: 'The download link is not complete. Go back to the insight page and use its download links.' });
    }
    const tableId = str(req.query.table);
    let table: InsightTable | undefined;
    if (page.key === 'outcomes' && tableId === 'outcomes-due') table = publication ? undefined : await service.allDue(selection.filters, today);
    else table = (await PAGE_FIGURES[page.key](service, req, basics, selection, today)).tables.find((t) => t.id === tableId);
    if (!table) return res.status(404).render('errors/not-found', { title: 'Page not found' });
    const out = publication ? suppressForPublication(table) : table;
    const periodLabel = page.key === 'trends' ? `24-months-to-${today}` : selection.period.label;
    const name = `fgc-insight-${table.id}-${periodLabel}${publication ? '-for-publication' : ''}`.toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/-+/g, '-');
    await auditEvent(db, req.user!.id, 'export', 'insight', `${table.id}, ${periodLabel}, ${describeFilters(selection.filters, basics.options)}, ${format}${publication ? ', for publication' : ''}`);
    if (format === 'csv') return res.attachment(`${name}.csv`).type('csv').send(toCsv(exportColumns(out), out.rows));
    res.attachment(`${name}.xlsx`).type('xlsx').send(await toXlsx(table.title, exportColumns(out), out.rows));
  };
}
