// File-level import cycles among the TypeScript files of the given folders (default: server
// and db), type-only imports included: a cycle of `import type` is still two modules that
// cannot be understood, or moved, one without the other. Tests (*.test.ts) are left out.
// Used by test/import-cycles.test.ts; run it by hand to list the cycles:
//   npx tsx scripts/import-cycles.ts [--folders] [folder ...]
// (--folders: cycles between folders, a folder importing another when any of its files does).
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';

const ROOT = resolve(dirname(new URL(import.meta.url).pathname), '..');

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    if (e.isDirectory()) return e.name === 'node_modules' ? [] : filesUnder(p);
    return /\.ts$/.test(e.name) && !/\.test\.ts$/.test(e.name) && !/\.d\.ts$/.test(e.name) ? [p] : [];
  });
}

/** The relative module specifiers one file imports or re-exports (static and dynamic). */
function specifiers(file: string): string[] {
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.ES2022, false, ts.ScriptKind.TS);
  const out: string[] = [];
  const visit = (node: ts.Node) => {
    if ((ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
      out.push(node.moduleSpecifier.text);
    } else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword && node.arguments[0] && ts.isStringLiteral(node.arguments[0])) {
      out.push(node.arguments[0].text);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return out.filter((s) => s.startsWith('.'));
}

function resolveImport(from: string, spec: string): string | null {
  const base = resolve(dirname(from), spec);
  for (const candidate of [base.replace(/\.js$/, '.ts'), `${base}.ts`, join(base, 'index.ts')]) if (existsSync(candidate)) return candidate;
  return null;
}

/** Each file (relative to the repository) and the files it imports, within the folders given. */
export function importGraph(folders: string[] = ['server', 'db']): Map<string, string[]> {
  const files = folders.flatMap((f) => filesUnder(join(ROOT, f)));
  const inside = new Set(files);
  const graph = new Map<string, string[]>();
  for (const file of files) {
    const targets = specifiers(file).map((s) => resolveImport(file, s)).filter((t): t is string => !!t && inside.has(t));
    graph.set(relative(ROOT, file), [...new Set(targets.map((t) => relative(ROOT, t)))]);
  }
  return graph;
}

/**
 * The same graph between folders: a folder imports another when one of its files imports one of
 * the other's. A folder's subfolders are its parts and may use it (quality/rules the rule types,
 * cases/pages the repositories): those edges are left out, so a cycle is one between folders
 * that are not parts of each other, or one back through a subfolder (a folder importing a part
 * that reaches the folder through a third).
 */
export function folderGraph(graph: Map<string, string[]>): Map<string, string[]> {
  const folders = new Map<string, Set<string>>();
  const inside = (folder: string, parent: string) => folder.startsWith(`${parent}/`);
  for (const [file, targets] of graph) {
    const from = dirname(file);
    const to = folders.get(from) ?? new Set<string>();
    for (const t of targets) if (dirname(t) !== from && !inside(from, dirname(t))) to.add(dirname(t));
    folders.set(from, to);
  }
  return new Map([...folders].map(([f, to]) => [f, [...to].sort()]));
}

/**
 * The strongly connected groups of two or more files, or one importing itself (Tarjan), each sorted, with one cycle
 * through each group to show: every file-level cycle lies within one of these groups.
 */
export function importCycles(graph: Map<string, string[]>): { files: string[]; cycle: string[] }[] {
  let index = 0;
  const order = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const groups: string[][] = [];
  const connect = (v: string) => {
    order.set(v, index);
    low.set(v, index++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!order.has(w)) {
        connect(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, order.get(w)!));
    }
    if (low.get(v) === order.get(v)) {
      const group: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        group.push(w);
      } while (w !== v);
      if (group.length > 1 || graph.get(v)?.includes(v)) groups.push(group.sort());
    }
  };
  for (const v of [...graph.keys()].sort()) if (!order.has(v)) connect(v);
  return groups.map((files) => ({ files, cycle: shortestCycle(graph, new Set(files), files[0]) }));
}

/** The shortest way from a file back to itself within its group (breadth first). */
function shortestCycle(graph: Map<string, string[]>, group: Set<string>, start: string): string[] {
  const previous = new Map<string, string>();
  const queue = [start];
  while (queue.length) {
    const v = queue.shift()!;
    for (const w of graph.get(v) ?? []) {
      if (!group.has(w)) continue;
      if (w === start) {
        const path = [v];
        while (path[0] !== start) path.unshift(previous.get(path[0])!);
        return [...path, start];
      }
      if (!previous.has(w)) {
        previous.set(w, v);
        queue.push(w);
      }
    }
  }
  return [start];
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(new URL(import.meta.url).pathname)) {
  const args = process.argv.slice(2);
  const byFolder = args.includes('--folders');
  const roots = args.filter((a) => a !== '--folders');
  const files = importGraph(roots.length ? roots : undefined);
  const found = importCycles(byFolder ? folderGraph(files) : files);
  const what = byFolder ? 'folders' : 'files';
  for (const g of found) console.log(`${g.files.length} ${what}: ${g.files.join(', ')}\n  e.g. ${g.cycle.join(' → ')}`);
  console.log(found.length ? `${found.length} groups of ${what} in import cycles` : `no import cycles between ${what}`);
  process.exitCode = found.length ? 1 : 0;
}
