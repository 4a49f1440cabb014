import { Router } from 'express';
import type { Services } from '../../services.js';
import { requirePermission } from '../../auth/authorisation.js';
import { myWorkHandler } from '../my-work.js';
import { caseListPage } from './case-list.js';
import { familyNewPage } from './family-new.js';
import { familyPage } from './family.js';
import { childNewPage } from './child-new.js';
import { childEditPage } from './child-edit.js';
import { historyPages } from './history.js';
import { referralNewPage } from './referral-new.js';
import { referralPage } from './referral.js';
import { referralChildrenPage } from './referral-children.js';
import { referralReviewPage } from './referral-review.js';
import { referralOutcomesPage } from './referral-outcomes.js';
import { referralStagePage } from './referral-stage.js';

// The case pages (permission 'cases'), one module a page in this folder.
export function casesRoutes(services: Services): Router {
  const router = Router();
  const cases = requirePermission('cases');
  const history = historyPages(services);
  const newFamily = familyNewPage(services);
  const newChild = childNewPage(services);
  const editChild = childEditPage(services);
  const newReferral = referralNewPage(services);
  const children = referralChildrenPage(services);
  const review = referralReviewPage(services);
  const outcomes = referralOutcomesPage(services);
  const stage = referralStagePage(services);

  router.get('/cases', cases, caseListPage(services).get);
  router.get('/my-work', cases, myWorkHandler(services));
  router.get('/families/new', cases, newFamily.get);
  router.post('/families', cases, newFamily.post);
  router.get('/families/:id', cases, familyPage(services).get);
  router.get('/families/:id/history', cases, history.family);
  router.get('/families/:id/children/new', cases, newChild.get);
  router.post('/families/:id/children', cases, newChild.post);
  router.get('/children/:id/edit', cases, editChild.get);
  router.post('/children/:id', cases, editChild.post);
  router.get('/children/:id/history', cases, history.child);
  router.get('/families/:id/referrals/new', cases, newReferral.get);
  router.post('/families/:id/referrals', cases, newReferral.post);
  router.get('/referrals/:id', cases, referralPage(services).get);
  router.get('/referrals/:id/history', cases, history.referral);
  router.get('/referrals/:id/children', cases, children.get);
  router.post('/referrals/:id/children', cases, children.post);
  router.get('/referrals/:id/reviews/new', cases, review.get);
  router.post('/referrals/:id/reviews', cases, review.post);
  router.get('/referrals/:id/outcomes', cases, outcomes.get);
  router.post('/referrals/:id/outcomes', cases, outcomes.post);
  router.get('/referrals/:id/stages/:stage', cases, stage.get);
  router.post('/referrals/:id/stages/:stage', cases, stage.post);
  return router;
}
