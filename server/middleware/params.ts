import type { Request } from 'express';
import { notFound } from './errors.js';

/** Route ids are positive integers; anything else is a 404. */
export function idParam(req: Request, name = 'id'): number {
  const v = String(req.params[name] ?? '');
  if (!/^[1-9]\d{0,9}$/.test(v)) throw notFound();
  return Number(v);
}
