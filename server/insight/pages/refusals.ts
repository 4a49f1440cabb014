// Why FGCs do not happen (views/insight/refusals.ejs), by the dimension the request asks for.
import { str } from '../../common/forms.js';
import { REFUSAL_DIMENSIONS, isRefusalDimension } from '../refusals.js';
import { tableBars } from '../page-charts.js';
import type { PageFigures } from './selection.js';

export const refusalsFigures: PageFigures = async (service, req, basics, sel) => {
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
};
