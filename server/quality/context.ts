import type { ChildFacts, QualityContext } from './types.js';
import { normaliseCmsId, compileCmsIdPattern } from '../common/cms-id.js';

export interface ContextInput {
  today: string;
  cmsIdPattern?: string | null;
  /** every live child that carries a CMS id (for the duplicate CMS id rule) */
  cmsIds?: Iterable<{ id: number; cms_id: string | null; child_ref?: string | null; merged_into_id?: number | null }>;
  /** children the referrals' rules may need */
  children?: Iterable<ChildFacts & { id: number }>;
}

/** Builds the context rules run in. Pure. */
export function qualityContext(input: ContextInput): QualityContext {
  const childIdsByCmsId = new Map<string, number[]>();
  const childRefs = new Map<number, string>();
  const seen = new Set<number>();
  for (const c of input.cmsIds ?? []) {
    if (c.merged_into_id || seen.has(c.id)) continue;
    seen.add(c.id);
    const key = normaliseCmsId(c.cms_id);
    if (!key) continue;
    const ids = childIdsByCmsId.get(key);
    if (ids) ids.push(c.id);
    else childIdsByCmsId.set(key, [c.id]);
    if (c.child_ref) childRefs.set(c.id, c.child_ref);
  }
  for (const ids of childIdsByCmsId.values()) if (ids.length > 1) ids.sort((a, b) => a - b);
  const childrenById = new Map<number, ChildFacts>();
  for (const c of input.children ?? []) childrenById.set(c.id, c);
  return { today: input.today, cmsIdPattern: compileCmsIdPattern(input.cmsIdPattern), childIdsByCmsId, childRefs, childrenById };
}
