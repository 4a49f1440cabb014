// Timeliness (views/insight/timeliness.ejs): days from referral to consent and to conference.
import type { InsightTable } from '../tables.js';
import { tableLines } from '../page-charts.js';
import type { PageFigures } from './selection.js';

export const timelinessFigures: PageFigures = async (service, _req, basics, sel) => {
  const f = await service.timeliness(basics, sel);
  const [overall, consent, conference] = f.tables;
  const months = f.figures.months.map((_, i) => ({ cells: { month: consent.rows[i].cells.month, consent: consent.rows[i].cells.median, conference: conference.rows[i].cells.median } }));
  const chartTable: InsightTable = { id: 'timeliness-by-month', title: 'Median days from referral, by month', columns: consent.columns, rows: months };
  return {
    tables: f.tables,
    view: { overall, consent, conference, chart: months.length > 1 ? tableLines(chartTable, [{ key: 'consent', name: 'To consent' }, { key: 'conference', name: 'To conference' }], 'days', 'Median days') : null },
  };
};
