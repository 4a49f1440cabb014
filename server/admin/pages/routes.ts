import { Router } from 'express';
import type { Services } from '../../services.js';
import { requirePermission } from '../../auth/authorisation.js';
import { usersPage } from './users.js';
import { userNewPage } from './user-new.js';
import { userEditPage } from './user-edit.js';
import { userLinkPage } from './user-link.js';
import { codeListPage, codeListsPage } from './code-lists.js';
import { settingsPage } from './settings.js';
import { retentionPage } from './retention.js';

// The administrator's pages (permission 'admin'), one module a page in this folder.
// Administrators look after accounts, but never learn or choose anyone's password: a new
// account, or a reset, gets a one-time link (server/auth/password-links.ts) that the
// administrator passes on, shown once. Every change goes to the account audit, and one that
// gives someone case data waits for a data lead (server/auth/account-audit.ts).
export function adminRoutes(services: Services): Router {
  const router = Router();
  const admin = requirePermission('admin');
  const newUser = userNewPage(services);
  const editUser = userEditPage(services);
  const codeList = codeListPage(services);
  const settings = settingsPage(services);
  const retention = retentionPage(services);

  router.get('/admin/users', admin, usersPage(services).get);
  router.get('/admin/users/new', admin, newUser.get);
  router.post('/admin/users', admin, newUser.post);
  router.get('/admin/users/:id', admin, editUser.get);
  router.post('/admin/users/:id', admin, editUser.post);
  router.post('/admin/users/:id/reset-password', admin, editUser.resetPassword);
  router.get('/admin/users/:id/link', admin, userLinkPage(services).get);
  router.get('/admin/code-lists', admin, codeListsPage(services).get);
  router.get('/admin/code-lists/:list', admin, codeList.get);
  router.post('/admin/code-lists/:list', admin, codeList.post);
  router.post('/admin/code-lists/:list/:code/retire', admin, codeList.retire);
  router.get('/admin/settings', admin, settings.get);
  router.post('/admin/settings', admin, settings.post);
  router.get('/admin/retention', admin, retention.get);
  router.post('/admin/retention/purge', admin, retention.purge);
  return router;
}
