// Equity of access (views/insight/equity.ejs), beside the comparison population chosen.
import { str } from '../../common/forms.js';
import { EQUITY_DIMENSIONS, SMALL_NUMBER } from '../equity.js';
import { tableBars } from '../page-charts.js';
import type { PageFigures } from './selection.js';

export const equityFigures: PageFigures = async (service, req, basics, sel) => {
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
};
