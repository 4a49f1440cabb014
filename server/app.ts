import { takeConfirmation } from './common/flash.js';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import express from 'express';
import { pinoHttp } from 'pino-http';
import type { Services } from './services.js';
import { setUpWebSecurity } from './middleware/web-security.js';
import { saveBeforeRedirect, setUpSession } from './middleware/session.js';
import { setUpCsrf } from './middleware/csrf.js';
import { setUpErrorHandler, setUpNotFound } from './middleware/errors.js';
import { setUpStaticAssets } from './middleware/static-assets.js';
import { setUpViews } from './middleware/views.js';
import { setUpPassport } from './auth/passport.js';
import { hideTokens } from './auth/password-links.js';
import { healthRoutes } from './health.js';
import { authRoutes } from './auth/routes.js';
import { routes } from './routes.js';
import { interchangeUploadParser } from './interchange/routes.js';
import { comparisonUploadParser } from './insight/routes.js';
import { trackerUploadParser } from './tracker-import/pages/routes.js';
import { savesWait } from '../db/long-write.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

// One line per concern, in the order requests meet them.
export function createApp(services: Services) {
  const app = express();
  app.disable('x-powered-by');
  // Pages are never cached (Cache-Control: no-store, web-security.ts): an ETag would go unused.
  app.set('etag', false);
  if (services.config.trustProxy) app.set('trust proxy', services.config.trustProxy);

  app.use(setUpWebSecurity());
  app.use(healthRoutes(services));
  // A line per request, at info level: at a quieter level it would write nothing, so it is left out.
  if (services.logger.isLevelEnabled('info')) {
    app.use(
      pinoHttp({
        logger: services.logger,
        // Query strings can hold a searched child's name: log the path only (and no set-password token).
        serializers: {
          req: (req) => ({ method: req.method, url: hideTokens(String(req.url).split('?')[0]) }),
          res: (res) => ({ statusCode: res.statusCode }),
        },
      }),
    );
  }
  app.use(setUpStaticAssets(root));
  setUpViews(app, root);
  // On SQLite, saves wait (asynchronously) while a large import writes: see db/long-write.ts.
  app.use(savesWait(services.db));
  app.use(setUpSession(services.db, services.config).middleware);
  app.use(express.urlencoded({ extended: false, limit: '200kb', parameterLimit: 2000 }));
  const passport = setUpPassport(services);
  app.use(passport.initialize());
  app.use(passport.session());
  app.use(saveBeforeRedirect);
  app.use((req, res, next) => {
    res.locals.user = req.user;
    res.locals.currentPath = req.path;
    next();
  });
  app.use(takeConfirmation);
  // multipart bodies must be parsed before the CSRF check reads the token
  app.use(interchangeUploadParser);
  app.use(comparisonUploadParser);
  app.use(trackerUploadParser);
  app.use(setUpCsrf());
  app.use(authRoutes(services, passport));
  app.use(routes(services));
  app.use(setUpNotFound());
  app.use(setUpErrorHandler(services.logger));
  return app;
}
