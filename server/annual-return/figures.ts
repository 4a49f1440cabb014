import type { AnnualReturn } from './counting.js';

export interface FigureContext {
  ret: AnnualReturn;
  settings: Record<string, string>;
  meta: Record<string, string>;
  /** data-quality rows for the Data quality sheet */
  quality: { code: string; label: string; count: number }[];
}

export type Figure = string | number | null;

export class UnknownFigureError extends Error {}

const isFigure = (v: unknown): v is Figure => v === null || typeof v === 'string' || typeof v === 'number';

/** `obj`'s own property `key`, never an inherited one; undefined when it has none. */
function ownValue(obj: object, key: string | undefined): unknown {
  return key !== undefined && Object.hasOwn(obj, key) ? (obj as Record<string, unknown>)[key] : undefined;
}

/**
 * Resolves a figure name from a template mapping to its value. The grammar is the
 * contract between mappings and code, so a new template needs only a new mapping:
 *   setting:<key>  meta:<key>  population:<key>:fgcs|children|meetings  median:<key>
 *   attendance:<name>[.count|.notRecorded]  breakdown:<key>:<code>|total
 */
export function resolveFigure(ctx: FigureContext, name: string): Figure {
  const [kind, a, b] = name.split(':');
  // Names come from a mapping file: own properties only (a "toString" is an unknown figure, not a function).
  const own = Object.hasOwn;
  const fail = () => {
    throw new UnknownFigureError(`The mapping names a figure that does not exist: "${name}"`);
  };
  switch (kind) {
    case 'setting':
      return own(ctx.settings, a) ? ctx.settings[a] ?? '' : '';
    case 'meta':
      return own(ctx.meta, a) ? ctx.meta[a] : fail();
    case 'population': {
      const p = ownValue(ctx.ret.populations, a);
      if (typeof p !== 'object' || p === null || !['fgcs', 'children', 'meetings'].includes(b)) return fail();
      const v = ownValue(p, b) ?? null; // 'meetings' is only on the reviews population
      return isFigure(v) ? v : fail();
    }
    case 'median': {
      const v = ownValue(ctx.ret.medians, a);
      return isFigure(v) ? v : fail();
    }
    case 'attendance': {
      const [field, sub] = a.split('.');
      const f = ownValue(ctx.ret.attendance, field);
      const v = f !== null && typeof f === 'object' ? ownValue(f, sub) : f;
      return isFigure(v) ? v : fail();
    }
    case 'breakdown': {
      const bd = own(ctx.ret.breakdowns, a) ? ctx.ret.breakdowns[a] : undefined;
      if (!bd) return fail();
      if (b === 'total') return bd.total;
      const row = bd.rows.find((r) => r.code === b);
      // A code with no row is a valid zero (for example a code added to a list later).
      return row ? row.count : 0;
    }
    default:
      return fail();
  }
}

/** Rows for a table anchor: a breakdown's rows or the data-quality rows. */
export function tableRows(ctx: FigureContext, source: string): { label: string; count: number; code: string; retired?: boolean }[] {
  if (source === 'quality') return ctx.quality;
  const [kind, key] = source.split(':');
  const bd = kind === 'breakdown' && Object.hasOwn(ctx.ret.breakdowns, key) ? ctx.ret.breakdowns[key] : undefined;
  if (!bd) throw new UnknownFigureError(`The mapping names a table that does not exist: "${source}"`);
  return bd.rows.map((r) => (r.retired ? { code: r.code, label: r.label, count: r.count, retired: true } : { code: r.code, label: r.label, count: r.count }));
}
