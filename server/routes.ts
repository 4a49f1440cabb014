import { Router } from 'express';
import type { Services } from './services.js';
import { requireSignIn } from './auth/authorisation.js';
import { homeFor, type Role } from './auth/roles.js';
import { casesRoutes } from './cases/pages/routes.js';
import { adminRoutes } from './admin/pages/routes.js';
import { returnRoutes } from './annual-return/routes.js';
import { qualityRoutes } from './quality/routes.js';
import { duplicateRoutes } from './duplicates/routes.js';
import { interchangeRoutes } from './interchange/routes.js';
import { insightRoutes } from './insight/routes.js';
import { trackerImportRoutes } from './tracker-import/pages/routes.js';

export function routes(services: Services): Router {
  const router = Router();
  router.get('/', requireSignIn, (req, res) => res.redirect(homeFor(req.user!.role as Role)));
  router.use(casesRoutes(services));
  router.use(adminRoutes(services));
  router.use(returnRoutes(services));
  router.use(qualityRoutes(services));
  router.use(duplicateRoutes(services)); // the data lead's duplicate children, linked from the data-quality pages
  router.use(interchangeRoutes(services));
  router.use(trackerImportRoutes(services));
  router.use(insightRoutes(services));
  return router;
}
