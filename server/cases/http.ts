import type { Request } from 'express';
import { notFound } from '../middleware/errors.js';
import type { AuditContext } from '../audit/audit.js';

/** Route ids are positive integers; anything else is a 404. */
export function idParam(req: Request, name = 'id'): number {
  const v = String(req.params[name] ?? '');
  if (!/^[1-9]\d{0,9}$/.test(v)) throw notFound();
  return Number(v);
}

export function versionField(req: Request): number {
  const v = Number(req.body?.version);
  return Number.isInteger(v) && v > 0 ? v : -1;
}

export const auditContext = (req: Request): AuditContext => ({ userId: req.user!.id });
