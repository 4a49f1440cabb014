import { STAGE_RULES } from '../quality/registry.js';
import { qualityContext } from '../quality/context.js';
import type { StageFacts } from '../quality/types.js';

export type { StageFacts } from '../quality/types.js';

export interface StageProblem {
  field: string;
  message: string;
}

// The stage rules need no context (no today, no other records).
const NO_CONTEXT = qualityContext({ today: '9999-12-31' });

/**
 * The order an FGC episode must follow: the data-quality registry's blocking stage
 * rules. Pure: given the whole episode as it would be after a save, lists what is out
 * of order, one problem per field. Forms and the interchange import refuse on any.
 */
export function stageOrderProblems(r: StageFacts): StageProblem[] {
  const seen = new Set<string>();
  const out: StageProblem[] = [];
  for (const rule of STAGE_RULES) {
    for (const f of rule.check(r, NO_CONTEXT)) {
      if (seen.has(f.field)) continue;
      seen.add(f.field);
      out.push({ field: f.field, message: f.message });
    }
  }
  return out;
}
