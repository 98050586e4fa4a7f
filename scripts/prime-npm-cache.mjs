#!/usr/bin/env node
// Fills the npm cache with what `npm install amazon-dsp-events-<version>.tgz --omit=dev` needs (the runtime
// dependencies of package.json, resolved as a host's install resolves them), so that install then runs offline:
// test/package-contract.test.ts installs the packed tarball with --offline. `npm ci` alone does not do it: it
// fetches the lockfile's tarballs but not the registry documents a fresh install resolves versions from.
// `--check` only says whether the cache holds them (exit 1 when not); without it, what is missing is fetched.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
export const PRIME_COMMAND = 'node scripts/prime-npm-cache.mjs';

/** The package's runtime dependencies, as package.json declares them. */
export function runtimeDependencies() {
  return JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).dependencies ?? {};
}

/**
 * Installs the runtime dependencies into an empty temporary project: from the cache alone (`offline`), or
 * from the registry where the cache lacks something. Answers whether it worked and npm's error lines.
 */
export function installDependencies({ offline }) {
  const dir = mkdtempSync(join(tmpdir(), 'amazon-dsp-events-cache-'));
  try {
    writeFileSync(
      join(dir, 'package.json'),
      JSON.stringify({ name: 'cache-check', private: true, dependencies: runtimeDependencies() }),
    );
    const run = spawnSync(
      'npm',
      [
        'install',
        offline ? '--offline' : '--prefer-offline',
        '--omit=dev',
        '--ignore-scripts',
        '--no-audit',
        '--no-fund',
        '--no-package-lock',
      ],
      { cwd: dir, encoding: 'utf8', timeout: 300_000 },
    );
    const errors = `${run.stderr ?? ''}${run.error?.message ?? ''}`
      .split('\n')
      .filter((l) => l.startsWith('npm error') && !l.includes('complete log'));
    return { ok: run.status === 0, errors };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const check = process.argv.includes('--check');
  const cached = installDependencies({ offline: true });
  if (cached.ok) {
    console.log('the npm cache holds every runtime dependency');
  } else if (check) {
    console.error(
      `the npm cache lacks runtime dependencies:\n${cached.errors.join('\n')}\nfix: ${PRIME_COMMAND}`,
    );
    process.exit(1);
  } else {
    const fetched = installDependencies({ offline: false });
    if (!fetched.ok) {
      console.error(
        `could not fetch the runtime dependencies from the registry:\n${fetched.errors.join('\n')}`,
      );
      process.exit(1);
    }
    console.log('the npm cache now holds every runtime dependency');
  }
}
