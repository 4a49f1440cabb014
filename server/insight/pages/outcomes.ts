// Outcomes at 6 and 12 months (views/insight/outcomes.ejs), and the outcomes due.
import { DUE_SHOWN } from '../service.js';
import { outcomeTableState } from '../outcomes.js';
import { tableBars } from '../page-charts.js';
import type { PageFigures } from './selection.js';

export const outcomesFigures: PageFigures = async (service, _req, basics, sel, today) => {
  const f = await service.outcomes(basics, sel, today);
  // a chart only where outcomes are recorded: none due, or none recorded, is said in words
  const states = f.tables.map(outcomeTableState);
  const charts = f.tables.map((t, i) => states[i].state !== 'recorded' ? null : tableBars(
    { ...t, rows: t.rows.filter((r) => r.cells.heldShare !== null || r.cells.notHeldShare !== null) },
    [{ key: 'heldShare', name: 'FGC held' }, { key: 'notHeldShare', name: 'No FGC held' }], 'percent', { skipZero: true, title: `${t.title}: shares of the children with it recorded` }));
  return { tables: f.tables, view: { ...f, charts, states, dueShown: DUE_SHOWN } };
};
