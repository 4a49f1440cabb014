import path from 'node:path';
import express, { Router } from 'express';

// GOV.UK Frontend's styles, scripts, fonts and images are served from node_modules:
// nothing is fetched from the internet at run time.
export function setUpStaticAssets(root: string): Router {
  const router = Router();
  const govuk = path.join(root, 'node_modules/govuk-frontend/dist/govuk');
  const opts = { maxAge: '1d', index: false, fallthrough: true } as const;
  router.use('/assets', express.static(path.join(govuk, 'assets'), opts));
  router.use('/govuk', express.static(govuk, { ...opts }));
  router.use('/public', express.static(path.join(root, 'server/public'), opts));
  return router;
}
