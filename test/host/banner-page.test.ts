import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PACKAGE_ROOT } from '../../plugin/project-files.js';

/**
 * The banner is what a new user copies into the browser: "Connect with Amazon" must work from the page at the
 * address it prints (the public URL, where Amazon sends the browser back), not answer 409 "open the page at…".
 */
const ADMIN = 'banner-test-admin';
let child: ChildProcess | undefined;
let dataDir: string | undefined;
afterEach(() => {
  if (child?.exitCode === null) child.kill('SIGKILL');
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

test('Connect with Amazon starts from the page address and the #/live address the banner prints', async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'signal-banner-'));
  child = spawn(process.execPath, ['dist/host/main.js'], {
    cwd: PACKAGE_ROOT,
    env: {
      PATH: process.env.PATH,
      SIGNAL_DATA_DIR: dataDir,
      SIGNAL_ADMIN_PORT: '0',
      SIGNAL_INGEST_PORT: '0',
      SIGNAL_ADMIN_TOKEN: ADMIN,
      SIGNAL_PIPELINE_KEY: 'banner-test-pipeline',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const out = await new Promise<string>((resolve, reject) => {
    let text = '';
    child!.stdout!.on('data', (chunk: Buffer) => {
      text += chunk.toString();
      if (/Then open \S+/.test(text)) resolve(text);
    });
    child!.once('exit', (code) => reject(new Error(`exited ${code}:\n${text}`)));
  });
  const pageUrl = /Web page[^\n]*?(http:\/\/\S+?)\/\s/.exec(out)![1]!;
  const liveUrl = /Then open (\S+)/.exec(out)![1]!;
  expect(liveUrl).toBe(`${pageUrl}/#/live`);
  expect(new URL(pageUrl).hostname).toBe('localhost');

  const page = await fetch(`${pageUrl}/`);
  expect(page.status).toBe(200);
  expect(page.headers.get('content-type')).toMatch(/text\/html/);

  // What the page's Connect button sends, from a page opened at the printed address.
  const start = await fetch(`${pageUrl}/v1/admin/oauth/amazon/start`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${ADMIN}`,
      'content-type': 'application/json',
      origin: new URL(pageUrl).origin,
    },
    body: JSON.stringify({ region: 'NA' }),
  });
  const body = (await start.json()) as { authorize_url?: string };
  expect(start.status).toBe(200);
  expect(new URL(body.authorize_url!).searchParams.get('redirect_uri')).toBe(
    `${pageUrl}/v1/admin/oauth/amazon/callback`,
  );
}, 30_000);
