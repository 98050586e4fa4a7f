#!/usr/bin/env node
// Finds import circles among the project's TypeScript sources: every relative import counts, `import type`
// included (a circle of types is still a knot to untie when reading). Also refuses imports across a wall:
// the sandbox is the instrument the plugin is measured with, so nothing under sandbox/ imports the plugin
// (or the host, the CLI, the bench built on it). And it checks what the package ships (plugin/, cli/,
// sandbox/): every package those sources import, types included, is a runtime dependency of package.json,
// and no relative import leaves what the package ships (the host, the bench, the tests). Prints each circle,
// crossing and problem and exits 1, or prints how many files it read and exits 0. Run by `npm run lint`, by
// test/import-graph.test.ts and test/package-contract.test.ts.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const FOLDERS = ['plugin', 'host', 'cli', 'sandbox', 'bench'];
const IMPORT = /^\s*(?:import|export)\s[^;]*?from\s+['"](\.{1,2}\/[^'"]+)['"]/gm;
/** Folders and files whose compiled form the package ships (package.json `files`); the rest stays home. */
const SHIPPED_FOLDERS = ['plugin', 'cli', 'sandbox'];
const SHIPPED_DATA = ['manifest.json', 'schemas', 'amazon-reference'];
/** The package's own name: its code imports its JSON by it. */
const SELF = 'amazon-dsp-events';
/** Every module specifier: `from '…'`, a side-effect `import '…'`, and `import('…')`. */
const SPECIFIER = /(?:^\s*(?:import|export)\s[^;]*?from\s+|^\s*import\s+|\bimport\(\s*)['"]([^'"]+)['"]/gm;

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

/** The package a bare specifier names: `@scope/name` or `name`, without a subpath. */
const packageOf = (specifier) =>
  specifier
    .split('/')
    .slice(0, specifier.startsWith('@') ? 2 : 1)
    .join('/');

/**
 * What the shipped sources import that a host's `npm install --omit=dev` would not give them: a package that
 * is not in `dependencies`, or a file outside what the package ships. One line per import, `file: specifier`.
 */
export function unshippedImports(dependencies) {
  const problems = [];
  for (const file of SHIPPED_FOLDERS.flatMap((f) => files(join(root, f)))) {
    const from = relative(root, file);
    for (const [, specifier] of readFileSync(file, 'utf8').matchAll(SPECIFIER)) {
      if (specifier.startsWith('node:')) continue;
      if (specifier.startsWith(`${SELF}/`)) {
        // The package's own data, by its name (package.json exports): one copy, at the root.
        if (!SHIPPED_DATA.includes(specifier.slice(SELF.length + 1).split('/')[0]))
          problems.push(`${from}: ${specifier} is not shipped`);
        continue;
      }
      if (!specifier.startsWith('.')) {
        if (!Object.hasOwn(dependencies, packageOf(specifier)))
          problems.push(`${from}: ${specifier} is not a runtime dependency`);
        continue;
      }
      const target = relative(root, resolve(dirname(file), specifier)).split('/')[0];
      if (![...SHIPPED_FOLDERS, ...SHIPPED_DATA].includes(target))
        problems.push(`${from}: ${specifier} is not shipped`);
    }
  }
  return problems;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const graph = importGraph();
  const found = circles(graph);
  for (const c of found) console.log(`import circle: ${c.join(' ↔ ')}`);
  const crossed = crossings(graph);
  for (const c of crossed)
    console.log(`import across a wall (the sandbox stands apart from the plugin): ${c}`);
  // A folder without package.json (a test's copy) is checked for circles and crossings only.
  const manifestFile = join(root, 'package.json');
  const unshipped = existsSync(manifestFile)
    ? unshippedImports(JSON.parse(readFileSync(manifestFile, 'utf8')).dependencies ?? {})
    : [];
  for (const problem of unshipped) console.log(`package import: ${problem}`);
  if (found.length > 0 || crossed.length > 0 || unshipped.length > 0) process.exit(1);
  console.log(`no import circle in ${graph.size} files; the shipped ones import only what the package has`);
}
