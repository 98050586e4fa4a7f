import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PACKAGE_ROOT } from '../plugin/project-files.js';
import { EVENT_RULES } from '../sandbox/amazon-rules.js';
import { startSandbox } from '../sandbox/index.js';

/** docs/sandbox.md is a test too: its rule table is the sandbox's, and its commands run as written. */
const DOC = readFileSync(join(PACKAGE_ROOT, 'docs/sandbox.md'), 'utf8');

describe('docs/sandbox.md', () => {
  test.each(EVENT_RULES.map((r) => [r.id, r.level] as const))('lists rule %s as %s', (id, level) => {
    const row = DOC.split('\n').find((l) => l.startsWith(`| \`${id}\``));
    expect(row?.split('|')[2]?.trim()).toBe(level);
  });

  test('lists no rule the sandbox does not have', () => {
    const listed = [...DOC.matchAll(/^\| `([a-z0-9-]+)` +\| (?:amazon|strict) /gm)].map((m) => m[1]);
    expect(listed.sort()).toEqual(EVENT_RULES.map((r) => r.id).sort());
  });

  test("the embedded sandbox's commands: with the admin token 2xx, without it 401", async () => {
    const sandbox = await startSandbox({ controlToken: 'docs-admin-token' });
    try {
      const block = /```sh\n# the URL the host's[^\n]*\nSANDBOX=\S+\n([\s\S]*?)```/.exec(DOC)![1]!;
      const lines = block.trim().split('\n');
      expect(lines).toHaveLength(2);
      const outputs: string[] = [];
      for (const line of lines) {
        const run = await promisify(execFile)('bash', ['-c', line], {
          env: { ...process.env, SANDBOX: sandbox.url, SIGNAL_ADMIN_TOKEN: 'docs-admin-token' },
          timeout: 10_000,
        });
        expect([line, run.stderr]).toEqual([line, '']);
        outputs.push(run.stdout);
      }
      expect(JSON.parse(outputs[0]!)).toHaveProperty('counters');
      expect(outputs[1]).toBe('401\n');
    } finally {
      await sandbox.close();
    }
  });

  test('every control command runs against a sandbox and is answered 2xx', async () => {
    const sandbox = await startSandbox();
    try {
      const block = /```sh\nSANDBOX=\S+\n([\s\S]*?)```/.exec(DOC)![1]!;
      const lines = block.trim().split('\n');
      expect(lines).toHaveLength(8);
      for (const line of lines) {
        // Run beside this process (the sandbox answers in it), so not spawnSync; curl -f fails on any 4xx/5xx.
        const run = await promisify(execFile)('bash', ['-c', line], {
          env: { ...process.env, SANDBOX: sandbox.url },
          timeout: 10_000,
        });
        expect([line, run.stderr]).toEqual([line, '']);
      }
      // After the last line (reset), nothing scripted is left.
      expect(sandbox.state()).toMatchObject({ pendingFaults: 0, poisonedEventIds: 0, accepted: 0 });
    } finally {
      await sandbox.close();
    }
  });
});
