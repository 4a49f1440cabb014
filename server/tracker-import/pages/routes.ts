import { Router } from 'express';
import type { Services } from '../../services.js';
import { requirePermission } from '../../auth/authorisation.js';
import { uploadParser } from '../../middleware/upload.js';
import { UPLOAD_LIMIT_BYTES } from '../../interchange/routes.js';
import { BASE } from './working.js';
import { trackerUploadPage } from './upload.js';
import { trackerHeaderPage } from './header.js';
import { trackerColumnsPage } from './columns.js';
import { trackerValuesPage } from './values.js';
import { trackerStatusPage } from './status.js';

// The data lead's tracker import pages (permission 'returns'), one module a page in this folder:
//   upload → headings (only when not found) → columns → values (and a name to save the
//   mapping under) → check (dry run, with progress for large files) → import.
// A saved mapping whose headings fit the file is used at once.

/** Parses the upload before the CSRF check: mount it app-wide, before CSRF (see uploadParser). */
export const trackerUploadParser = uploadParser(BASE, UPLOAD_LIMIT_BYTES);

export function trackerImportRoutes(services: Services): Router {
  const router = Router();
  const returns = requirePermission('returns');
  const upload = trackerUploadPage(services);
  const header = trackerHeaderPage(services);
  const columns = trackerColumnsPage(services);
  const values = trackerValuesPage(services);
  const status = trackerStatusPage(services);

  router.get(BASE, returns, upload.get);
  router.post(BASE, returns, upload.post);
  router.post(`${BASE}/mappings/:id/delete`, returns, upload.deleteMapping);
  router.get(`${BASE}/:id/header`, returns, header.get);
  router.post(`${BASE}/:id/header`, returns, header.post);
  router.get(`${BASE}/:id/columns`, returns, columns.get);
  router.post(`${BASE}/:id/columns`, returns, columns.post);
  router.get(`${BASE}/:id/values`, returns, values.get);
  router.post(`${BASE}/:id/values`, returns, values.post);
  router.get(`${BASE}/:id`, returns, status.get);
  router.post(`${BASE}/:id/check`, returns, status.check);
  router.post(`${BASE}/:id/apply`, returns, status.apply);
  return router;
}
