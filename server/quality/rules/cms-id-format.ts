import type { ChildRule } from '../types.js';
import { NONE } from '../rule-helpers.js';

/** The format is the service setting cms_id_pattern; with none set, any id is accepted. */
export const cmsIdFormat: ChildRule = {
  code: 'cms-id-format',
  title: 'CMS ID in the wrong format',
  message: "Case management system ID is not in your council's format",
  severity: 'error',
  decision:
    'Blocks the save: an ID in the wrong format is a typing slip the coordinator can check against the case management system now.',
  scope: 'child',
  fields: ['cms_id'],
  check(c, ctx) {
    const id = c.cms_id?.trim();
    if (!id || !ctx.cmsIdPattern || ctx.cmsIdPattern.test(id)) return NONE;
    return [{ field: 'cms_id', message: cmsIdFormat.message }];
  },
};
