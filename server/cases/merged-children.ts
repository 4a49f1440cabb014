// Merged duplicate records: a child merged into another keeps its row (merged_into_id names the
// record it was merged into, which may itself have been merged), so history and undo work.
// Everything that counts or lists a child as a person follows the chain here.
import type { Child } from './types.js';

/** child id -> surviving child id (following merged_into_id chains; a loop resolves to its smallest id). */
export function survivorResolver(children: readonly Child[]): (id: number) => number {
  const next = new Map<number, number>();
  for (const c of children) if (c.merged_into_id !== null && c.merged_into_id !== undefined && c.merged_into_id !== c.id) next.set(c.id, c.merged_into_id);
  if (next.size === 0) return (id) => id;
  const memo = new Map<number, number>();
  return (id) => {
    const known = memo.get(id);
    if (known !== undefined) return known;
    const path = [id];
    let cur = id;
    let result: number;
    for (;;) {
      const n = next.get(cur);
      if (n === undefined) {
        result = cur;
        break;
      }
      const done = memo.get(n);
      if (done !== undefined) {
        result = done;
        break;
      }
      const loop = path.indexOf(n);
      if (loop >= 0) {
        result = Math.min(...path.slice(loop));
        break;
      }
      path.push(n);
      cur = n;
    }
    for (const p of path) memo.set(p, result);
    return result;
  };
}
