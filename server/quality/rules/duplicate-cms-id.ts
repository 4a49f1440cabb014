import { normaliseCmsId } from '../../common/cms-id.js';
import type { ChildRule } from '../types.js';
import { NONE } from '../rule-helpers.js';

const NAMED = 3;

/** Two live records with one CMS id are almost always one child recorded twice: merge them. */
export const duplicateCmsId: ChildRule = {
  code: 'duplicate-cms-id',
  title: 'The same CMS ID on two children',
  message: 'Another child has the same case management system ID: if they are the same child, merge the records',
  severity: 'query',
  decision:
    'Saves with a query: the two records may be one child (merge them) or the ID may be mistyped; either needs a person to look.',
  scope: 'child',
  fields: ['cms_id'],
  check(c, ctx) {
    const key = normaliseCmsId(c.cms_id);
    if (!key || c.merged_into_id) return NONE;
    const group = ctx.childIdsByCmsId.get(key);
    if (!group || (group.length === 1 && group[0] === c.id)) return NONE;
    // Groups are sorted by id; name up to three, so a placeholder id shared by thousands stays fast.
    const others = group.length - (c.id !== undefined && includesSorted(group, c.id) ? 1 : 0);
    if (!others) return NONE;
    const named: string[] = [];
    for (let i = 0; i < group.length && named.length < NAMED; i++) {
      if (group[i] !== c.id) named.push(ctx.childRefs.get(group[i]) ?? `record ${group[i]}`);
    }
    const refs = others > NAMED ? `${named.join(', ')} and ${others - NAMED} more` : named.join(', ');
    return [{ field: 'cms_id', message: `The same case management system ID is on ${refs}: if they are the same child, merge the records` }];
  },
};

function includesSorted(ids: readonly number[], id: number): boolean {
  let lo = 0;
  let hi = ids.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (ids[mid] === id) return true;
    if (ids[mid] < id) lo = mid + 1;
    else hi = mid - 1;
  }
  return false;
}
