import type { CodeLists } from '../codes/code-lists.js';
import { isRealDate, toIso, splitIso } from '../common/dates.js';
import type { FormErrors } from '../common/forms.js';
import type { FieldSpec } from './stages.js';

export type FieldValue = string | number | boolean | string[] | null;

export interface ParsedForm {
  values: Record<string, FieldValue>;
  /** what the user typed, for showing the form again */
  raw: Record<string, unknown>;
  errors: FormErrors;
}

const lowerFirst = (s: string) => s.charAt(0).toLowerCase() + s.slice(1);
const asString = (v: unknown) => (typeof v === 'string' ? v.trim() : Array.isArray(v) ? String(v[0] ?? '').trim() : '');

/** A stored record's value for a field (the specs name the record's columns). */
const fieldOf = (record: object | undefined, name: string): unknown => (record as Record<string, unknown> | undefined)?.[name];

/** GOV.UK date pattern messages: missing part, not a real date, in the future. */
export function parseDateField(spec: FieldSpec, body: Record<string, unknown>, today: string) {
  const day = asString(body[`${spec.name}-day`]);
  const month = asString(body[`${spec.name}-month`]);
  const year = asString(body[`${spec.name}-year`]);
  const raw = { day, month, year };
  if (!day && !month && !year) {
    return { raw, value: null, error: spec.required ? `Enter the ${lowerFirst(spec.label)}` : undefined };
  }
  const missing = [!day && 'day', !month && 'month', !year && 'year'].filter(Boolean) as string[];
  if (missing.length) return { raw, value: null, error: `${spec.label} must include a ${missing.join(' and ')}` };
  if (![day, month, year].every((p) => /^\d+$/.test(p)) || year.length !== 4 || !isRealDate(+year, +month, +day)) {
    return { raw, value: null, error: `${spec.label} must be a real date` };
  }
  const value = toIso(+year, +month, +day);
  if (!spec.future && value > today) return { raw, value, error: `${spec.label} must be today or in the past` };
  return { raw, value, error: undefined };
}

export function parseFields(
  specs: FieldSpec[],
  body: Record<string, unknown>,
  codes: CodeLists,
  today: string,
  opts: { coordinatorIds?: number[]; current?: object } = {},
): ParsedForm {
  const values: ParsedForm['values'] = {};
  const raw: ParsedForm['raw'] = {};
  const errors: FormErrors = {};
  // A code must be on its list and not retired, unless the record already holds it.
  const known = (spec: FieldSpec, code: string) => {
    const current = fieldOf(opts.current, spec.name);
    const held = current === code || (Array.isArray(current) && current.includes(code));
    return (codes[spec.list!] ?? []).some((c) => c.code === code && (!c.retired || held));
  };
  for (const spec of specs) {
    const v = body[spec.name];
    switch (spec.kind) {
      case 'date': {
        const d = parseDateField(spec, body, today);
        raw[spec.name] = d.raw;
        values[spec.name] = d.value;
        if (d.error) errors[spec.name] = d.error;
        break;
      }
      case 'code':
      case 'radios': {
        const s = asString(v);
        raw[spec.name] = s;
        values[spec.name] = s || null;
        if (!s && spec.required) errors[spec.name] = spec.requiredMessage ?? `Select the ${lowerFirst(spec.label)}`;
        else if (s && !known(spec, s)) errors[spec.name] = `Select a ${lowerFirst(spec.label)} from the list`;
        break;
      }
      case 'codes': {
        const list = (Array.isArray(v) ? v : v ? [v] : []).map((x) => String(x).trim()).filter(Boolean);
        const unique = [...new Set(list)];
        raw[spec.name] = unique;
        values[spec.name] = unique;
        if (unique.some((c) => !known(spec, c))) errors[spec.name] = `Select ${lowerFirst(spec.label)} from the list`;
        break;
      }
      case 'yesno': {
        const s = asString(v);
        raw[spec.name] = s;
        values[spec.name] = s === 'yes' ? true : s === 'no' ? false : null;
        if (s && s !== 'yes' && s !== 'no') errors[spec.name] = `Select yes or no`;
        else if (!s && spec.required) errors[spec.name] = spec.requiredMessage ?? 'Select yes or no';
        break;
      }
      case 'count': {
        const s = asString(v);
        raw[spec.name] = s;
        values[spec.name] = null;
        if (s) {
          if (!/^\d+$/.test(s)) errors[spec.name] = `${spec.label} must be a whole number, like 3`;
          else if (+s > (spec.max ?? 1000)) errors[spec.name] = `${spec.label} must be ${spec.max ?? 1000} or fewer`;
          else values[spec.name] = +s;
        }
        break;
      }
      case 'coordinator': {
        const s = asString(v);
        raw[spec.name] = s;
        values[spec.name] = s ? Number(s) : null;
        if (s && !(opts.coordinatorIds ?? []).includes(Number(s)) && fieldOf(opts.current, spec.name) !== Number(s)) {
          errors[spec.name] = 'Select a coordinator from the list';
        }
        break;
      }
      case 'text':
      case 'textarea': {
        const s = asString(v);
        raw[spec.name] = s;
        values[spec.name] = s || null;
        if (!s && spec.required) errors[spec.name] = `Enter the ${lowerFirst(spec.label)}`;
        else if (s.length > (spec.max ?? 200)) errors[spec.name] = `${spec.label} must be ${spec.max ?? 200} characters or fewer`;
        break;
      }
    }
  }
  return { values, raw, errors };
}

/** The form's initial display values from a stored record. */
export function rawFromRecord(specs: FieldSpec[], record: object): Record<string, unknown> {
  const raw: Record<string, unknown> = {};
  for (const spec of specs) {
    const v = fieldOf(record, spec.name);
    if (spec.kind === 'date') raw[spec.name] = splitIso(v as string | null);
    else if (spec.kind === 'yesno') raw[spec.name] = v === true ? 'yes' : v === false ? 'no' : '';
    else if (spec.kind === 'codes') raw[spec.name] = (v as string[] | undefined) ?? [];
    else raw[spec.name] = v ?? '';
  }
  return raw;
}
