import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PACKAGE_ROOT } from '../plugin/project-files.js';

/**
 * `npm ci` on Node 20 installs without an EBADENGINE warning: every package in the lockfile, the tools' too,
 * admits Node 20.19 (the oldest Node 20 that ESLint 10 takes), as npm checks it.
 */
const semver = createRequire(import.meta.url)('semver') as {
  satisfies(version: string, range: string): boolean;
};
const NODE_20 = '20.19.0';
const lock = JSON.parse(readFileSync(join(PACKAGE_ROOT, 'package-lock.json'), 'utf8')) as {
  packages: Record<string, { version?: string; engines?: { node?: string } | string[] }>;
};

test(`every package in the lockfile admits Node ${NODE_20}`, () => {
  const refusing = Object.entries(lock.packages)
    .filter(([, p]) => p.engines && !Array.isArray(p.engines) && p.engines.node)
    .filter(([, p]) => !semver.satisfies(NODE_20, (p.engines as { node: string }).node))
    .map(([path, p]) => `${path}@${p.version}: node ${(p.engines as { node: string }).node}`);
  expect(refusing).toEqual([]);
  expect(Object.keys(lock.packages)).toContain('node_modules/eslint-plugin-regexp');
});
