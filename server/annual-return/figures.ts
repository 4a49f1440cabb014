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
      const p = own(ctx.ret.populations, a) ? (ctx.ret.populations as any)[a] : undefined;
      if (!p || !['fgcs', 'children', 'meetings'].includes(b)) return fail();
      return p[b] ?? null;
    }
    case 'median':
      return own(ctx.ret.medians, a) ? (ctx.ret.medians as any)[a] : fail();
    case 'attendance': {
      const [field, sub] = a.split('.');
      const v = own(ctx.ret.attendance, field) ? (ctx.ret.attendance as any)[field] : undefined;
      if (v === undefined) return fail();
      if (v !== null && typeof v === 'object') return sub && own(v, sub) ? v[sub] : fail();
      return v;
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
