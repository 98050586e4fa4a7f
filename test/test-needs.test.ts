import { spawnSync } from 'node:child_process';
import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PACKAGE_ROOT } from '../plugin/project-files.js';
import { tempDirForFile } from './support/temp-dir.js';

/**
 * `npm test` on a machine without Debian's chromium, redis-server or prometheus stops before any test runs,
 * within seconds, naming the command that fixes it (scripts/test-needs.mjs, the `pretest` script). The machine
 * is played by pointing SIGNAL_TEST_CHROMIUM, SIGNAL_TEST_REDIS_SERVER, SIGNAL_TEST_PROMETHEUS or
 * SIGNAL_TEST_PROMTOOL at programs that cannot run, and SIGNAL_TEST_APT_GET at an apt-get that is not there or
 * fails, so nothing is installed.
 */
const dir = tempDirForFile('test-needs-');
const MISSING = join(dir, 'not-here');
const notExecutable = join(dir, 'chromium-not-executable');
writeFileSync(notExecutable, '#!/bin/sh\necho Chromium\n');
chmodSync(notExecutable, 0o644);
const exitsThree = join(dir, 'redis-server-exits-3');
writeFileSync(exitsThree, '#!/bin/sh\nexit 3\n');
chmodSync(exitsThree, 0o755);

/** An apt-get that answers and installs nothing: an install that worked, for a program a variable misnames. */
const aptGetWorks = join(dir, 'apt-get-works');
writeFileSync(aptGetWorks, '#!/bin/sh\nexit 0\n');
chmodSync(aptGetWorks, 0o755);

const silent = join(dir, 'redis-server-silent');
writeFileSync(silent, '#!/bin/sh\nexec sleep 60\n');
chmodSync(silent, 0o755);

function precheck(env: Record<string, string | undefined>) {
  const started = Date.now();
  const run = spawnSync(process.execPath, [join(PACKAGE_ROOT, 'scripts', 'test-needs.mjs')], {
    cwd: PACKAGE_ROOT,
    env: { ...process.env, ...env },
    encoding: 'utf8',
    timeout: 30_000,
  });
  return { ...run, ms: Date.now() - started };
}

describe('the precheck of npm test', () => {
  test.each([
    {
      machine: 'neither chromium nor redis-server, no apt-get',
      env: { SIGNAL_TEST_CHROMIUM: MISSING, SIGNAL_TEST_REDIS_SERVER: MISSING, SIGNAL_TEST_APT_GET: MISSING },
      named: [`chromium (the browser test): ${MISSING}: ENOENT`, `redis-server (the shared-state tests)`],
      fix: 'apt-get install -y chromium redis-server',
    },
    {
      machine: 'none of the four programs, no apt-get: one package for prometheus and promtool',
      env: {
        SIGNAL_TEST_CHROMIUM: MISSING,
        SIGNAL_TEST_REDIS_SERVER: MISSING,
        SIGNAL_TEST_PROMETHEUS: MISSING,
        SIGNAL_TEST_PROMTOOL: MISSING,
        SIGNAL_TEST_APT_GET: MISSING,
      },
      named: [
        'chromium (the browser test)',
        'redis-server (the shared-state tests)',
        `prometheus (the metrics tests): ${MISSING}: ENOENT`,
        `promtool (the metrics tests): ${MISSING}: ENOENT`,
      ],
      fix: 'apt-get install -y chromium redis-server prometheus',
    },
    {
      machine: 'no promtool, no apt-get',
      env: { SIGNAL_TEST_PROMTOOL: MISSING, SIGNAL_TEST_APT_GET: MISSING },
      named: [`promtool (the metrics tests): ${MISSING}: ENOENT`],
      fix: 'apt-get install -y prometheus',
    },
    {
      machine: 'no redis-server, no apt-get',
      env: { SIGNAL_TEST_REDIS_SERVER: MISSING, SIGNAL_TEST_APT_GET: MISSING },
      named: [`redis-server (the shared-state tests): ${MISSING}: ENOENT`],
      fix: 'apt-get install -y redis-server',
    },

    {
      machine: 'a redis-server that exits 3, installing switched off',
      env: { SIGNAL_TEST_REDIS_SERVER: exitsThree, SIGNAL_TEST_APT_GET: '' },
      named: [`redis-server (the shared-state tests): ${exitsThree}: exit code 3`],
      fix: 'apt-get install -y redis-server',
    },
  ])('$machine: exit 1 within 5 s, naming each program and the fix', ({ env, named, fix }) => {
    const run = precheck(env);
    expect(run.status).toBe(1);
    expect(run.ms).toBeLessThan(5_000);
    for (const line of named) expect(run.stderr).toContain(line);
    expect(run.stderr).toMatch(new RegExp(`^fix: (sudo )?${fix}$`, 'm'));
    expect(run.stderr.match(/^ {2}\S/gm)).toHaveLength(named.length);
  });

  test.each([
    {
      machine: 'a chromium that is not executable (EACCES), apt-get failing',
      aptGet: '/bin/false',
      chromium: notExecutable,
      reason: 'EACCES',
      said: '/bin/false could not install them (its output is above)',
      fix: 'fix: point SIGNAL_TEST_CHROMIUM at a working one, or make /bin/false work and run again',
    },
    {
      machine: 'SIGNAL_TEST_CHROMIUM naming nothing, apt-get installing fine',
      aptGet: aptGetWorks,
      chromium: MISSING,
      reason: 'ENOENT',
      said: `${aptGetWorks} installed chromium, and still:`,
      fix: "fix: point SIGNAL_TEST_CHROMIUM at a working one (or unset it to use the Debian package's)",
    },
  ])('$machine: the install was tried, so the advice is not to try it again', (c) => {
    const run = precheck({ SIGNAL_TEST_CHROMIUM: c.chromium, SIGNAL_TEST_APT_GET: c.aptGet });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('installing chromium with');
    expect(run.stderr).toContain(
      `  chromium (the browser test): ${c.chromium}: ${c.reason}\n${c.said}\n${c.fix}\n`,
    );
    expect(run.stderr).not.toMatch(/^fix: (sudo )?apt-get install/m);
  });

  test('npm test stops there, before Jest starts', () => {
    const started = Date.now();
    // --listTests: were the precheck skipped, Jest would only list the files, not run them.
    const run = spawnSync('npm', ['test', '--', '--listTests'], {
      cwd: PACKAGE_ROOT,
      env: { ...process.env, SIGNAL_TEST_REDIS_SERVER: MISSING, SIGNAL_TEST_APT_GET: MISSING },
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(run.status).not.toBe(0);
    expect(run.stderr).toMatch(/^fix: (sudo )?apt-get install -y redis-server$/m);
    expect(run.stdout).not.toContain('.test.ts');
    expect(Date.now() - started).toBeLessThan(10_000);
  });
});

/**
 * The tests' Redis starter (bench/redis-server.ts) fails at once and leaves no process behind: a test process
 * that could not start Redis still exits by itself, where it used to wait on a redis-server that never answered.
 */
describe('starting Redis for a test', () => {
  const starter = join(PACKAGE_ROOT, 'dist', 'bench', 'redis-server.js');
  test.each([
    { server: 'missing', command: MISSING, reason: `${MISSING}: ENOENT`, withinMs: 3_000 },
    {
      server: 'exiting with code 3',
      command: exitsThree,
      reason: `${exitsThree} exited (code 3)`,
      withinMs: 3_000,
    },
    { server: 'never answering', command: silent, reason: 'no answer within 5 s', withinMs: 9_000 },
  ])('$server: rejects naming the fix, and the process exits by itself', ({ command, reason, withinMs }) => {
    const started = Date.now();
    const run = spawnSync(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        `import { startRedis } from ${JSON.stringify(starter)};
         startRedis().then(() => process.exit(9), (e) => console.error(e.message));`,
      ],
      { env: { ...process.env, SIGNAL_TEST_REDIS_SERVER: command }, encoding: 'utf8', timeout: 30_000 },
    );
    expect(run.stderr.trim()).toBe(`redis-server did not start (${reason}): apt-get install -y redis-server`);
    expect(run.status).toBe(0);
    expect(Date.now() - started).toBeLessThan(withinMs);
  });
});
