import type { ZodError } from 'zod';

/** field name → message; rendered as a GOV.UK error summary and inline messages */
export type FormErrors = Record<string, string>;

/** what a form shows in its fields: what the user typed, or the record's values */
export type FormValues = Record<string, unknown>;

export function fieldErrors(error: ZodError): FormErrors {
  const out: FormErrors = {};
  for (const issue of error.issues) {
    const key = String(issue.path[0] ?? 'form');
    if (!out[key]) out[key] = issue.message;
  }
  return out;
}

export const hasErrors = (e: FormErrors) => Object.keys(e).length > 0;

export const str = (v: unknown): string => (typeof v === 'string' ? v.trim() : '');
