#!/usr/bin/env node
// Compiles the TypeScript sources to a fresh dist/ (tsc -p tsconfig.build.json, no source maps: the package
// ships what it builds) and stamps dist/.built on success.
// With --if-stale it first compares the stamp with every source, so `npm start` and `npm test` build only
// when something changed since the last good build (a second start answers in a second, not after tsc).
import { existsSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const stamp = join(root, 'dist', '.built');
// TypeScript sources, the JSON the code imports (from the package root), and the build's own settings.
const SOURCES = [
  'plugin',
  'sandbox',
  'cli',
  'host',
  'bench',
  'manifest.json',
  'schemas',
  'amazon-reference',
  'tsconfig.json',
  'tsconfig.build.json',
  'package-lock.json',
];

/** The newest modification time under a file or folder. */
function newest(path) {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let latest = stat.mtimeMs; // a deleted or renamed file changes its folder's time
  for (const entry of readdirSync(path)) latest = Math.max(latest, newest(join(path, entry)));
  return latest;
}

if (process.argv.includes('--if-stale') && existsSync(stamp)) {
  const built = statSync(stamp).mtimeMs;
  if (SOURCES.every((s) => newest(join(root, s)) <= built)) process.exit(0);
}
// tsc emits every file on each run, so starting from an empty dist/ costs nothing and leaves no output of a
// deleted source behind (the package ships dist/ as it is).
rmSync(join(root, 'dist'), { recursive: true, force: true });
const tsc = spawnSync(
  process.execPath,
  [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.build.json'],
  {
    cwd: root,
    stdio: 'inherit',
  },
);
if (tsc.status !== 0) process.exit(tsc.status ?? 1);
// The code imports its JSON by the package's name (`amazon-dsp-events/manifest.json`: package.json exports), so
// it reads the root's files; tsc still copies them under dist/, where nothing reads them: the package ships once.
for (const copy of ['manifest.json', 'schemas', 'amazon-reference'])
  rmSync(join(root, 'dist', copy), { recursive: true, force: true });
writeFileSync(stamp, `${new Date().toISOString()}\n`);
