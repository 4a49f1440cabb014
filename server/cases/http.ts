import type { Request } from 'express';
import type { AuditContext } from '../audit/audit.js';

/** The version of the record the form showed (optimistic locking); -1, which matches none, when it is missing. */
export function versionField(req: Request): number {
  const v = Number(req.body?.version);
  return Number.isInteger(v) && v > 0 ? v : -1;
}

export const auditContext = (req: Request): AuditContext => ({ userId: req.user!.id });
