// Plans (views/insight/plans.ejs): agreed, what they cover, and how soon they were sent.
import { SENT_WITHIN_WORKING_DAYS } from '../plans.js';
import { tableBars } from '../page-charts.js';
import type { PageFigures } from './selection.js';

export const plansFigures: PageFigures = async (service, _req, basics, sel) => {
  const f = await service.plans(basics, sel);
  const [agreed, content, sent] = f.tables;
  return {
    tables: f.tables,
    view: { ...f, agreedTable: agreed, contentTable: content, sentTable: sent, withinDays: SENT_WITHIN_WORKING_DAYS,
      charts: { content: tableBars(content, [{ key: 'fgcs', name: 'Plans' }], 'count'), sent: tableBars(sent, [{ key: 'fgcs', name: 'Plans' }], 'count') } },
  };
};
