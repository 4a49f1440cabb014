import { describe, expect, it } from 'vitest';
import { folderGraph, importCycles, importGraph } from '../scripts/import-cycles.js';

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
    expect(graph.get('server/routes.ts')).toContain('server/cases/pages/routes.ts');
  });

  it('server/ and db/ have no file-level import cycle', () => {
    expect(importCycles(importGraph(['server', 'db'])).map((g) => g.cycle.join(' → '))).toEqual([]);
  });

  // Between folders (a folder importing another when any of its files does): none. A
  // subfolder may use its parent (see folderGraph): every folder of server/ may use the
  // services, config and logger at its top.
  it('folders import each other in no cycle', () => {
    expect(importCycles(folderGraph(importGraph(['server', 'db']))).map((g) => g.files)).toEqual([]);
  });

  it('finds a cycle between folders', () => {
    const graph = new Map([['x/a.ts', ['y/b.ts']], ['y/b.ts', ['y/c.ts']], ['y/c.ts', ['x/d.ts']], ['x/d.ts', []]]);
    expect(importCycles(folderGraph(graph)).map((g) => g.files)).toEqual([['x', 'y']]);
    // a part using its folder is no cycle; a folder reached back through its part is
    const parts = new Map([['x/a.ts', ['x/p/b.ts']], ['x/p/b.ts', ['x/d.ts']], ['x/d.ts', []]]);
    expect(importCycles(folderGraph(parts))).toEqual([]);
    parts.set('x/p/b.ts', ['x/d.ts', 'y/e.ts']).set('y/e.ts', ['x/d.ts']);
    expect(importCycles(folderGraph(parts)).map((g) => g.files)).toEqual([['x', 'x/p', 'y']]);
  });
});
