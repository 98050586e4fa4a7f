#!/usr/bin/env node
// What `npm test` needs besides node_modules, checked before any test runs (the `pretest` script), so that a
// machine without it stops within seconds naming the command that fixes it, instead of failing tests one by one:
// - Debian's `chromium` (test/web-page.test.ts drives it), `redis-server` (the shared-state tests start
//   their own) and `prometheus` with `promtool` (the metrics tests), each run once with --version; missing
//   ones are installed with apt-get when this runs as root and apt-get is there, as .ci/run does;
// - the npm cache holding the runtime dependencies (test/package-contract.test.ts installs the packed tarball
//   offline); filled from the registry when it does not (scripts/prime-npm-cache.mjs), checked once per set
//   of dependencies.
// SIGNAL_TEST_CHROMIUM, SIGNAL_TEST_REDIS_SERVER, SIGNAL_TEST_PROMETHEUS and SIGNAL_TEST_PROMTOOL name other
// binaries (the tests use the same variables); SIGNAL_TEST_APT_GET another apt-get (run as any user), or '' never
// to install. After an install was tried, the advice says how it went instead of naming it again.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PRIME_COMMAND, installDependencies, runtimeDependencies } from './prime-npm-cache.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const env = process.env;

/** One row per program the tests start: the Debian package that provides it and who needs it. */
const PROGRAMS = [
  {
    name: 'chromium',
    command: env.SIGNAL_TEST_CHROMIUM || '/usr/bin/chromium',
    variable: 'SIGNAL_TEST_CHROMIUM',
    debian: 'chromium',
    usedBy: 'the browser test',
  },
  {
    name: 'redis-server',
    command: env.SIGNAL_TEST_REDIS_SERVER || 'redis-server',
    variable: 'SIGNAL_TEST_REDIS_SERVER',
    debian: 'redis-server',
    usedBy: 'the shared-state tests',
  },
  {
    name: 'prometheus',
    command: env.SIGNAL_TEST_PROMETHEUS || '/usr/bin/prometheus',
    variable: 'SIGNAL_TEST_PROMETHEUS',
    debian: 'prometheus',
    usedBy: 'the metrics tests',
  },
  {
    name: 'promtool',
    command: env.SIGNAL_TEST_PROMTOOL || '/usr/bin/promtool',
    variable: 'SIGNAL_TEST_PROMTOOL',
    debian: 'prometheus',
    usedBy: 'the metrics tests',
  },
];
const APT_GET = env.SIGNAL_TEST_APT_GET ?? 'apt-get';
const isRoot = process.getuid?.() === 0;

/** Why a program cannot run, or undefined when `--version` answers. */
function unusable({ command }) {
  const run = spawnSync(command, ['--version'], { stdio: 'ignore', timeout: 15_000 });
  if (run.error) return run.error.code ?? run.error.message;
  if (run.status !== 0) return run.signal ? `killed by ${run.signal}` : `exit code ${run.status}`;
  return undefined;
}

function missingPrograms() {
  return PROGRAMS.map((p) => ({ ...p, reason: unusable(p) })).filter((p) => p.reason !== undefined);
}

/** Installing needs root, unless SIGNAL_TEST_APT_GET names another apt-get (a wrapper, a test's stand-in). */
function canInstall() {
  if (APT_GET === '' || (!isRoot && env.SIGNAL_TEST_APT_GET === undefined)) return false;
  return !spawnSync(APT_GET, ['--version'], { stdio: 'ignore', timeout: 15_000 }).error;
}

/** apt-get update and install, its output on stderr (stdout is the test run's). */
function aptInstall(packages) {
  console.error(
    `npm test: installing ${packages.join(' ')} with ${APT_GET} (Debian packages the tests start)`,
  );
  const options = { stdio: ['ignore', 2, 2], env: { ...env, DEBIAN_FRONTEND: 'noninteractive' } };
  return (
    spawnSync(APT_GET, ['update', '-qq'], options).status === 0 &&
    spawnSync(APT_GET, ['install', '-y', '-qq', ...packages], options).status === 0
  );
}

/** The Debian packages of some programs, each once (prometheus gives promtool too). */
const packagesOf = (programs) => [...new Set(programs.map((p) => p.debian))];
/**
 * What to do about the programs still missing: install them, unless an install was just tried; then say how it
 * went and name what is left (apt-get itself, or the variables pointing at programs that do not run).
 */
function advice(missing, installed) {
  const install = `apt-get install -y ${packagesOf(missing).join(' ')}`;
  const variables = missing.map((p) => p.variable).join(' / ');
  if (installed === undefined)
    return [`fix: ${isRoot ? '' : 'sudo '}${install}`, `(or point ${variables} at one)`];
  if (!installed)
    return [
      `${APT_GET} could not install them (its output is above)`,
      `fix: point ${variables} at a working one, or make ${APT_GET} work and run again`,
    ];
  return [
    `${APT_GET} installed ${packagesOf(missing).join(' ')}, and still:`,
    `fix: point ${variables} at a working one (or unset it to use the Debian package's)`,
  ];
}

let missing = missingPrograms();
/** Whether an install was tried and worked; undefined when none was tried. */
let installed;
if (missing.length > 0 && canInstall()) {
  installed = aptInstall(packagesOf(missing));
  missing = missingPrograms();
}
if (missing.length > 0) {
  console.error(
    [
      'npm test cannot start: this machine cannot run',
      ...missing.map((p) => `  ${p.name} (${p.usedBy}): ${p.command}: ${p.reason}`),
      ...advice(missing, installed),
    ].join('\n'),
  );
  process.exit(1);
}

// The npm cache: checked again only when the runtime dependencies change.
const dependencies = JSON.stringify(runtimeDependencies());
const stamp = join(root, 'node_modules', '.cache', 'amazon-dsp-events', 'npm-cache-checked');
const digest = createHash('sha256').update(dependencies).digest('hex');
if (!existsSync(stamp) || readFileSync(stamp, 'utf8') !== digest) {
  let cached = installDependencies({ offline: true });
  if (!cached.ok) {
    console.error(
      'npm test: fetching the runtime dependencies into the npm cache (the package test installs offline)',
    );
    cached = installDependencies({ offline: false });
  }
  if (!cached.ok) {
    console.error(
      `npm test cannot start: the npm cache lacks runtime dependencies\n${cached.errors.join('\n')}`,
    );
    console.error(`fix: ${PRIME_COMMAND} (with the npm registry reachable)`);
    process.exit(1);
  }
  mkdirSync(dirname(stamp), { recursive: true });
  writeFileSync(stamp, digest);
}
