import type { NextFunction, Request, Response } from 'express';
import multer from 'multer';
import { can, type Permission } from '../auth/roles.js';

/** "20MB", "1MB", "512KB": a size as the upload pages state their limit. */
export function sizeLabel(bytes: number): string {
  const mb = bytes / 1024 / 1024;
  return Number.isInteger(mb) ? `${mb}MB` : `${Math.round(bytes / 1024)}KB`;
}

/** Why the upload on this request could not be read, for the form's error (set by uploadParser). */
export const uploadErrorOf = (req: Request): string | undefined => req.uploadError;

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace -- Express's Request is augmented through its global namespace
  namespace Express {
    interface Request {
      /** set by uploadParser when the upload could not be read */
      uploadError?: string;
    }
  }
}

/**
 * Multipart parsing for one file upload form, which must run before the CSRF check (that
 * check reads the token from the parsed body). Mount it app-wide after sign-in (passport)
 * and before CSRF: it acts only on POST `path` from a user with `permission` (data leads'
 * 'returns' by default), so nobody else can make the server buffer a file of up to
 * `limitBytes`. The file is kept in memory as req.file; a token in the query string
 * (?_csrf=) is accepted as well as the form's hidden field. A file over the limit, or a
 * broken upload, leaves the route a message saying so (uploadErrorOf), to show on the form.
 */
export function uploadParser(path: string, limitBytes: number, permission: Permission = 'returns') {
  const upload = multer({
    storage: multer.memoryStorage(),
    limits: { fileSize: limitBytes, files: 1, fields: 5, parts: 6 },
  }).single('file');
  return function parseUpload(req: Request, res: Response, next: NextFunction) {
    if (req.method !== 'POST' || req.path !== path || !can(req.user?.role, permission) || !req.is('multipart/form-data')) return next();
    upload(req, res, (err?: unknown) => {
      if (err) {
        req.uploadError = err instanceof multer.MulterError && err.code === 'LIMIT_FILE_SIZE'
          ? `The selected file must be smaller than ${sizeLabel(limitBytes)}`
          : 'The selected file could not be uploaded. Try again';
      }
      req.body ??= {};
      if (!req.body._csrf && typeof req.query._csrf === 'string') req.body._csrf = req.query._csrf;
      next();
    });
  };
}
