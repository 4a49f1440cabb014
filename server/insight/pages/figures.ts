// Each insight page's figures (one module a page), and the page itself: the selection form,
// then the figures once the selection is complete (views/insight/<page>.ejs).
import type { Request, Response } from 'express';
import type { PageFigures, PageKey, InsightService } from './selection.js';
import { insightSelection } from './selection.js';
import { funnelFigures } from './funnel.js';
import { refusalsFigures } from './refusals.js';
import { equityFigures } from './equity.js';
import { timelinessFigures } from './timeliness.js';
import { outcomesFigures } from './outcomes.js';
import { plansFigures } from './plans.js';
import { trendsFigures } from './trends.js';

export const PAGE_FIGURES: Record<PageKey, PageFigures> = {
  funnel: funnelFigures,
  refusals: refusalsFigures,
  equity: equityFigures,
  timeliness: timelinessFigures,
  outcomes: outcomesFigures,
  plans: plansFigures,
  trends: trendsFigures,
};

/** The GET handler of one insight page. */
export function insightPage(service: InsightService, page: PageKey) {
  return async (req: Request, res: Response) => {
    const { today, basics, selection, locals } = await insightSelection(service, req, page);
    if (!selection) return res.status(400).render(`insight/${page}`, { ...locals, ready: false });
    const { view } = await PAGE_FIGURES[page](service, req, basics, selection, today);
    res.render(`insight/${page}`, { ...locals, ...view, ready: true });
  };
}
