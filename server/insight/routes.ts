// The insight pages (permission 'insight': managers and data leads) and the comparison
// population upload (permission 'returns': data leads), one module a page in ./pages. Thin
// handlers: parse the selection, ask the service for the figures, render. No page shows a
// child's name or date of birth.
import { Router, type NextFunction, type Request, type Response } from 'express';
import type { Services } from '../services.js';
import { requirePermission } from '../auth/authorisation.js';
import { uploadParser } from '../middleware/upload.js';
import { insightService } from './service.js';
import { INSIGHT_PAGES } from './pages/selection.js';
import { insightPage } from './pages/figures.js';
import { insightDownload } from './pages/download.js';
import { COMPARISON_LIMIT_BYTES, COMPARISON_PATH, comparisonPage } from './pages/comparison.js';

export { INSIGHT_PAGES };

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

export function insightRoutes(services: Services): Router {
  const { db } = services;
  const service = insightService(db);
  const router = Router();
  const insight = requirePermission('insight');
  const returns = requirePermission('returns');
  const comparison = comparisonPage(db, service);

  for (const p of INSIGHT_PAGES) router.get(p.path, insight, insightPage(service, p.key));
  router.get('/insight/download', insight, insightDownload(db, service));
  router.get(COMPARISON_PATH, returns, comparison.get);
  router.get(`${COMPARISON_PATH}/sample.csv`, returns, comparison.sample);
  router.post(COMPARISON_PATH, returns, comparison.post);
  router.post(`${COMPARISON_PATH}/delete`, returns, comparison.delete);
  return router;
}
