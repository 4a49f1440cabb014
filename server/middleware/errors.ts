import type { NextFunction, Request, Response } from 'express';
import type { Logger } from '../logger.js';
import { UploadAbandoned } from '../uploads/limits.js';

export class HttpError extends Error {
  constructor(public status: number, message: string) {
    super(message);
  }
}

export const notFound = () => new HttpError(404, 'Page not found');

export function setUpNotFound() {
  return (_req: Request, res: Response) => {
    res.status(404).render('errors/not-found', { title: 'Page not found' });
  };
}

// Error pages never show detail (which could include personal data); the log gets
// the error without request bodies.
/** What an error reaching the handler may carry (http-errors from express and body-parser, csrf-sync's code). */
interface RequestError {
  status?: number;
  statusCode?: number;
  code?: string;
  type?: string;
  expose?: boolean;
  message?: string;
  stack?: string;
}

export function setUpErrorHandler(logger: Logger) {
  return (thrown: unknown, req: Request, res: Response, _next: NextFunction) => {
    // If a page itself fails to render, answer in plain words rather than a stack trace.
    const render = res.render.bind(res);
    res.render = ((view: string, locals?: object) =>
      render(view, locals, (renderErr: Error | null, html?: string) => {
        if (renderErr) {
          logger.error({ err: { message: renderErr.message } }, 'error page failed to render');
          res.type('text/plain').send('Sorry, there is a problem with the service.');
        } else res.send(html);
      })) as typeof res.render;
    if (thrown instanceof UploadAbandoned) {
      logger.info({ path: req.path }, 'upload abandoned by its client: work on it stopped');
      return res.destroy();
    }
    const err: RequestError = typeof thrown === 'object' && thrown !== null ? thrown : {};
    const status = err.status ?? err.statusCode ?? 500;
    if (err.code === 'EBADCSRFTOKEN') {
      return res.status(403).render('errors/problem', {
        title: 'Your form could not be sent',
        message: 'The page you submitted from had expired or was not sent by this service. Go back, reload the page and try again.',
      });
    }
    if (err.type === 'entity.too.large') {
      return res.status(413).render('errors/problem', { title: 'What you sent is too large', message: 'Make it smaller and try again.' });
    }
    if (status === 404) return res.status(404).render('errors/not-found', { title: 'Page not found' });
    if (status < 500) {
      return res.status(status).render('errors/problem', { title: 'Sorry, there is a problem', message: err.expose ? err.message : 'The request could not be handled.' });
    }
    logger.error({ err: { message: err.message, stack: err.stack }, path: req.path, method: req.method }, 'request failed');
    res.status(500).render('errors/problem', { title: 'Sorry, there is a problem with the service', message: 'Try again later.' });
  };
}
