// Trends (views/insight/trends.ejs): 24 months of referrals, conferences and reviews.
import { tableLines } from '../page-charts.js';
import type { PageFigures } from './selection.js';

export const trendsFigures: PageFigures = async (service, _req, basics, sel, today) => {
  const f = await service.trends(basics, sel.filters, today);
  const [t] = f.tables;
  // the month not over yet is in the table, marked, but not drawn: it would look like a collapse
  const partial = t.rows.find((r) => r.partial);
  const lines = tableLines({ ...t, rows: t.rows.filter((r) => !r.partial) }, [{ key: 'referrals', name: 'Referrals' }, { key: 'conferences', name: 'Initial conferences' }, { key: 'reviews', name: 'Reviews' }], 'count', 'FGCs',
    undefined, partial ? `${partial.cells.month} is not drawn: the month is not over.` : undefined);
  return { tables: f.tables, view: { trendTable: t, chart: lines } };
};
