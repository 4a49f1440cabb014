import { describe, expect, it } from 'vitest';
import { importCycles, importGraph } from '../scripts/import-cycles.js';

// No file of server/ or db/ may import itself through others (type-only imports count too).
// To see the cycles when this fails: npx tsx scripts/import-cycles.ts
describe('import cycles', () => {
  it('finds a cycle, and only the files on it', () => {
    const graph = new Map([
      ['a.ts', ['b.ts']], ['b.ts', ['c.ts']], ['c.ts', ['a.ts', 'd.ts']], ['d.ts', []], ['e.ts', ['e.ts', 'd.ts']],
    ]);
    expect(importCycles(graph)).toEqual([
      { files: ['a.ts', 'b.ts', 'c.ts'], cycle: ['a.ts', 'b.ts', 'c.ts', 'a.ts'] },
      { files: ['e.ts'], cycle: ['e.ts', 'e.ts'] },
    ]);
  });

  it('reads the imports of the real tree', () => {
    const graph = importGraph();
    expect(graph.get('server/auth/passport.ts')).toContain('server/auth/app-passport.ts');
    expect(graph.get('server/routes.ts')).toContain('server/cases/routes.ts');
  });

  it('server/ and db/ have no file-level import cycle', () => {
    expect(importCycles(importGraph(['server', 'db'])).map((g) => g.cycle.join(' → '))).toEqual([]);
  });
});
