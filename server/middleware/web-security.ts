import crypto from 'node:crypto';
import { Router, type Request, type Response } from 'express';
import helmet from 'helmet';

// Helmet with a content security policy: scripts and styles only from this server,
// plus inline script carrying this request's nonce.
export function setUpWebSecurity(): Router {
  const router = Router();
  router.use((_req, res, next) => {
    res.locals.cspNonce = crypto.randomBytes(16).toString('hex');
    next();
  });
  router.use(
    helmet({
      contentSecurityPolicy: {
        directives: {
          defaultSrc: ["'self'"],
          scriptSrc: ["'self'", (_req, res) => `'nonce-${(res as Response).locals.cspNonce}'`],
          styleSrc: ["'self'"],
          imgSrc: ["'self'", 'data:'],
          fontSrc: ["'self'"],
          formAction: ["'self'"],
          frameAncestors: ["'none'"],
          upgradeInsecureRequests: null,
        },
      },
      crossOriginEmbedderPolicy: true,
      referrerPolicy: { policy: 'same-origin' },
    }),
  );
  router.use((_req: Request, res: Response, next) => {
    res.setHeader('Cache-Control', 'no-store');
    next();
  });
  return router;
}
