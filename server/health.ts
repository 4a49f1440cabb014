import { Router } from 'express';
import type { Services } from './services.js';

export function healthRoutes({ db }: Services): Router {
  const router = Router();
  router.get('/health', async (_req, res) => {
    let database = 'up';
    try {
      await db.raw('select 1');
    } catch {
      database = 'down';
    }
    res.status(database === 'up' ? 200 : 503).json({ status: database === 'up' ? 'ok' : 'error', database });
  });
  return router;
}
