import { Router } from 'express';
import type { Services } from '../services.js';
import { requirePermission } from '../middleware/authorisation.js';
import { familyHandlers } from './family-handlers.js';
import { referralHandlers } from './referral-handlers.js';
import { myWorkHandler } from './my-work.js';

export function casesRoutes(services: Services): Router {
  const router = Router();
  const f = familyHandlers(services);
  const r = referralHandlers(services);
  const cases = requirePermission('cases');

  router.get('/cases', cases, f.caseList);
  router.get('/my-work', cases, myWorkHandler(services));
  router.get('/families/new', cases, f.newFamily);
  router.post('/families', cases, f.createFamilyPost);
  router.get('/families/:id', cases, f.familyPage);
  router.get('/families/:id/history', cases, f.familyHistory);
  router.get('/families/:id/children/new', cases, f.newChild);
  router.post('/families/:id/children', cases, f.createChildPost);
  router.get('/children/:id/edit', cases, f.editChild);
  router.post('/children/:id', cases, f.updateChildPost);
  router.get('/children/:id/history', cases, f.childHistory);
  router.get('/families/:id/referrals/new', cases, r.newReferral);
  router.post('/families/:id/referrals', cases, r.createReferralPost);
  router.get('/referrals/:id', cases, r.referralPage);
  router.get('/referrals/:id/history', cases, r.history);
  router.get('/referrals/:id/children', cases, r.childrenForm);
  router.post('/referrals/:id/children', cases, r.childrenPost);
  router.get('/referrals/:id/reviews/new', cases, r.reviewForm);
  router.post('/referrals/:id/reviews', cases, r.reviewPost);
  router.get('/referrals/:id/outcomes', cases, r.outcomesForm);
  router.post('/referrals/:id/outcomes', cases, r.outcomesPost);
  router.get('/referrals/:id/stages/:stage', cases, r.stageForm);
  router.post('/referrals/:id/stages/:stage', cases, r.stagePost);
  return router;
}
