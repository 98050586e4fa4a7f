#!/usr/bin/env node
// Finds import circles among the project's TypeScript sources: every relative import counts, `import type`
// included (a circle of types is still a knot to untie when reading). Also refuses imports across a wall:
// the sandbox is the instrument the plugin is measured with, so nothing under sandbox/ imports the plugin
// (or the host, the CLI, the bench built on it). Prints each circle and crossing and exits 1, or prints how
// many files it read and exits 0. Run by `npm run lint` and by test/import-graph.test.ts.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const FOLDERS = ['plugin', 'host', 'cli', 'sandbox', 'bench'];
const IMPORT = /^\s*(?:import|export)\s[^;]*?from\s+['"](\.{1,2}\/[^'"]+)['"]/gm;

function files(dir) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return files(path);
    return path.endsWith('.ts') && !path.endsWith('.d.ts') ? [path] : [];
  });
}

/** Each file's relative imports, as files. */
export function importGraph() {
  const all = FOLDERS.flatMap((f) => files(join(root, f)));
  const graph = new Map();
  for (const file of all) {
    const text = readFileSync(file, 'utf8');
    const targets = [...text.matchAll(IMPORT)]
      .map((m) => resolve(dirname(file), m[1].replace(/\.js$/, '.ts')))
      .filter((target) => target.endsWith('.ts'));
    graph.set(file, [...new Set(targets)]);
  }
  return graph;
}

/** Folders a folder's files must not import from: [from, forbidden targets]. */
const WALLS = [['sandbox', ['plugin', 'host', 'cli', 'bench']]];

/** Every import that crosses a wall, as `from → to` paths from the root. */
export function crossings(graph) {
  const top = (file) => relative(root, file).split(/[\\/]/)[0];
  const found = [];
  for (const [file, targets] of graph) {
    const wall = WALLS.find(([from]) => from === top(file));
    if (!wall) continue;
    for (const target of targets)
      if (wall[1].includes(top(target))) found.push(`${relative(root, file)} → ${relative(root, target)}`);
  }
  return found.sort();
}

/** The strongly connected components of more than one file, or of a file importing itself (Tarjan). */
export function circles(graph) {
  let index = 0;
  const stack = [];
  const info = new Map();
  const found = [];
  const visit = (v) => {
    info.set(v, { index, low: index, onStack: true });
    index++;
    stack.push(v);
    for (const w of graph.get(v) ?? []) {
      if (!graph.has(w)) continue;
      if (!info.has(w)) {
        visit(w);
        info.get(v).low = Math.min(info.get(v).low, info.get(w).low);
      } else if (info.get(w).onStack) info.get(v).low = Math.min(info.get(v).low, info.get(w).index);
    }
    if (info.get(v).low === info.get(v).index) {
      const component = [];
      let w;
      do {
        w = stack.pop();
        info.get(w).onStack = false;
        component.push(w);
      } while (w !== v);
      if (component.length > 1 || (graph.get(v) ?? []).includes(v)) found.push(component);
    }
  };
  for (const v of graph.keys()) if (!info.has(v)) visit(v);
  return found.map((c) => c.map((f) => relative(root, f)).sort());
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const graph = importGraph();
  const found = circles(graph);
  for (const c of found) console.log(`import circle: ${c.join(' ↔ ')}`);
  const crossed = crossings(graph);
  for (const c of crossed)
    console.log(`import across a wall (the sandbox stands apart from the plugin): ${c}`);
  if (found.length > 0 || crossed.length > 0) process.exit(1);
  console.log(`no import circle in ${graph.size} files`);
}
