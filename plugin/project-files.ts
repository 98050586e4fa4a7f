import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The package root (the folder holding manifest.json), found from this module's own location so the same
 * code works from `plugin/*.ts` under ts-jest and from `dist/plugin/*.js` after a build.
 */
export const PACKAGE_ROOT: string = findRoot(dirname(fileURLToPath(import.meta.url)));

function findRoot(start: string): string {
  let dir = start;
  for (;;) {
    if (existsSync(join(dir, 'manifest.json')) && existsSync(join(dir, 'package.json'))) return dir;
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`manifest.json not found above ${start}`);
    dir = parent;
  }
}

/** Reads and parses a JSON file of the package (schemas, blueprints, manifest). */
export function readPackageJson<T = unknown>(relativePath: string): T {
  return JSON.parse(readFileSync(join(PACKAGE_ROOT, relativePath), 'utf8')) as T;
}
