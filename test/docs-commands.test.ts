import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PACKAGE_ROOT } from '../plugin/project-files.js';
import { startSandbox } from '../sandbox/index.js';
import { runCli } from './support/run-cli.js';

/**
 * A docs page's shell example, as written: the settings it sets (`KEY=value` before the command) and the
 * arguments of its `npx amazon-dsp-events <command>` line, continuation lines joined.
 */
function shellExample(doc: string, command: string): { env: Record<string, string>; args: string[] } {
  const text = readFileSync(join(PACKAGE_ROOT, doc), 'utf8');
  const block = [...text.matchAll(/```sh\n([\s\S]*?)```/g)]
    .map((m) => m[1]!)
    .find((b) => b.includes(`npx amazon-dsp-events ${command} `));
  if (!block) throw new Error(`${doc} has no ${command} example`);
  const words = block
    .replace(/\\\n/g, ' ')
    .split('\n')
    .find((l) => l.includes(`npx amazon-dsp-events ${command} `))!
    .trim()
    .split(/\s+/);
  const at = words.indexOf('npx');
  const env = Object.fromEntries(
    words.slice(0, at).map((w) => w.split(/=(.*)/s).slice(0, 2) as [string, string]),
  );
  return { env, args: words.slice(at + 2) };
}

test('docs/offline-upload.md: its upload example runs as written against the sandbox it starts', async () => {
  const { env, args } = shellExample('docs/offline-upload.md', 'upload');
  expect(Object.keys(env)).toEqual(['AMAZON_ADS_API_URL', 'AMAZON_LWA_TOKEN_URL', 'AMAZON_ADS_CLIENT_ID']);
  expect(readFileSync(join(PACKAGE_ROOT, 'docs/offline-upload.md'), 'utf8')).toContain(
    'npx amazon-dsp-events sandbox --port 4010 &',
  );
  const sandbox = await startSandbox();
  const dir = mkdtempSync(join(tmpdir(), 'offline-doc-'));
  try {
    // The sandbox the example starts on port 4010 is this one, on a free port; the rejects go to a scratch dir.
    const port = (value: string) => value.replace('http://127.0.0.1:4010', sandbox.url);
    const argv = args.map((a) => (a === 'rejects.csv' ? join(dir, a) : a));
    const result = await runCli(argv, Object.fromEntries(Object.entries(env).map(([k, v]) => [k, port(v)])));
    // What the page says of it: three sent, one filtered, two invalid in rejects.csv, exit 1. (Delivered or
    // rejected depends on today's date against the example's: Amazon keeps 21 days.)
    const summary = /delivered (\d+), rejected (\d+), filtered 1, invalid 2, retry 0/.exec(result.stderr);
    expect(summary).not.toBeNull();
    expect(Number(summary![1]) + Number(summary![2])).toBe(3);
    expect(result.code).toBe(1);
    const rejects = readFileSync(join(dir, 'rejects.csv'), 'utf8').trim().split('\n');
    expect(rejects).toHaveLength(1 + 2 + Number(summary![2]));
    expect(rejects.join('\n')).toContain('twelve');
    expect(existsSync(join(PACKAGE_ROOT, 'examples/offline-sales.csv.checkpoint.json'))).toBe(false);
  } finally {
    rmSync(dir, { recursive: true, force: true });
    await sandbox.close();
  }
});

test('docs/offline-upload.md: without the sandbox settings the example stops with exit 2, as the page says', async () => {
  const { args } = shellExample('docs/offline-upload.md', 'upload');
  const dir = mkdtempSync(join(tmpdir(), 'offline-doc-'));
  try {
    const result = await runCli(
      args.map((a) => (a === 'rejects.csv' ? join(dir, a) : a)),
      {},
    );
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('client_id');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
