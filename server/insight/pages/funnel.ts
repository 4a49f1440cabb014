// Take-up (views/insight/funnel.ejs): referrals to conferences, and the period's activity.
import type { PageFigures } from './selection.js';
import { tableBars } from '../page-charts.js';

export const funnelFigures: PageFigures = async (service, _req, basics, sel) => {
  const f = await service.funnel(basics, sel);
  const [funnel, activity] = f.tables;
  return { tables: f.tables, view: { funnel, activity, chart: tableBars(funnel, [{ key: 'fgcs', name: 'FGCs' }, { key: 'children', name: 'Children' }], 'count') } };
};
