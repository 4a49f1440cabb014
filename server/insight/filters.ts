// The insight pages' filters: stage offered, referral source, coordinator team. Pure.
import { NR } from '../annual-return/breakdowns.js';
import type { CodeLists } from '../codes/code-lists.js';

export interface Filters {
  /** a stage_offered code, or NR for referrals with none recorded */
  stage: string;
  /** a referral_source code, or NR */
  source: string;
  /** a coordinator team (users.team), or NO_TEAM */
  team: string;
}

/** Referrals with no coordinator, or a coordinator with no team recorded. */
export const NO_TEAM = 'NONE';

export interface FilterOption {
  value: string;
  text: string;
}

export interface FilterOptions {
  stage: FilterOption[];
  source: FilterOption[];
  team: FilterOption[];
}

export function filterOptions(codes: CodeLists, teams: string[]): FilterOptions {
  const list = (name: string) => [...(codes[name] ?? []).filter((c) => c.code !== NR).map((c) => ({ value: c.code, text: c.label })), { value: NR, text: 'Not recorded' }];
  return {
    stage: list('stage_offered'),
    source: list('referral_source'),
    team: [...teams.map((t) => ({ value: t, text: t })), { value: NO_TEAM, text: 'No coordinator or no team recorded' }],
  };
}

/** Filters from the query string; a value not in the options is ignored (it cannot come from the form). */
export function parseFilters(query: Record<string, unknown>, options: FilterOptions): Filters {
  const pick = (name: keyof Filters) => {
    const v = typeof query[name] === 'string' ? (query[name] as string).trim() : '';
    return options[name].some((o) => o.value === v) ? v : '';
  };
  return { stage: pick('stage'), source: pick('source'), team: pick('team') };
}

export function filterQuery(f: Filters): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k of ['stage', 'source', 'team'] as const) if (f[k]) out[k] = f[k];
  return out;
}

/** "Stage offered: Child protection; all referral sources; all teams" */
export function describeFilters(f: Filters, options: FilterOptions): string {
  const text = (k: keyof Filters) => options[k].find((o) => o.value === f[k])?.text ?? f[k];
  return [
    f.stage ? `stage offered: ${text('stage')}` : 'all stages offered',
    f.source ? `referral source: ${text('source')}` : 'all referral sources',
    f.team ? `coordinator team: ${text('team')}` : 'all coordinator teams',
  ].join('; ');
}

export const noFilters = (f: Filters) => !f.stage && !f.source && !f.team;
