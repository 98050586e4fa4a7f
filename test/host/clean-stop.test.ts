import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import Database from 'better-sqlite3';
import { PACKAGE_ROOT } from '../../plugin/project-files.js';
import { postJson, SEED_INSTALL } from '../support/host-harness.js';
import { startHostProcess } from '../support/host-process.js';

/**
 * Process managers (systemd, Docker, CI) stop a service with SIGTERM to the pid they started: for `npm start`
 * that is npm's pid, for `npx amazon-dsp-events sandbox` a wrapper's. Either way the server must stop
 * accepting, settle or hand back what is in flight, close the database and exit 0 within 10 s.
 */
const ADMIN = 'stop-test-admin';
const PIPELINE = 'stop-test-pipeline';

/** Spawns a command and collects its stdout until `ready` finds what it waits for. */
async function started(child: ChildProcess, ready: (out: string) => RegExpMatchArray | null) {
  let out = '';
  return new Promise<RegExpMatchArray>((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = ready(out);
      if (match) resolve(match);
    });
    child.once('exit', (code) => reject(new Error(`exited ${code} before it was ready:\n${out}`)));
  });
}

async function refused(url: string): Promise<boolean> {
  try {
    await fetch(url, { signal: AbortSignal.timeout(1_000) });
    return false;
  } catch (error) {
    return ((error as { cause?: { code?: string } }).cause?.code ?? '') === 'ECONNREFUSED';
  }
}

async function until(probe: () => Promise<boolean>, timeoutMs: number): Promise<number> {
  const start = Date.now();
  while (!(await probe())) {
    if (Date.now() - start > timeoutMs) throw new Error(`not within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return Date.now() - start;
}

let child: ChildProcess | undefined;
afterEach(() => {
  if (child?.exitCode === null) child.kill('SIGKILL');
});

test('SIGTERM to the npm start pid frees both ports within 10 s, exit 0, nothing accepted lost', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'signal-stop-'));
  const host = await startHostProcess(
    { SIGNAL_DATA_DIR: dataDir, SIGNAL_ADMIN_TOKEN: ADMIN, SIGNAL_PIPELINE_KEY: PIPELINE },
    ['npm', 'start', '--silent'],
  );
  child = host.child;
  const { admin, ingest } = host;
  expect(
    (await postJson(`${admin}/v1/admin/integration-catalog/amazon_dsp/install`, ADMIN, SEED_INSTALL)).status,
  ).toBe(201);

  const accepted: string[] = [];
  for (let b = 0; b < 4; b++) {
    const batch = Array.from({ length: 100 }, (_, i) => ({
      type: 'track',
      event: 'purchase',
      properties: { transaction_id: `STOP-${b}-${i}`, value: 10, currency: 'USD' },
      traits: { email: `person${b}.${i}@example.com` },
      context: { locale: 'en-US', consent: { canonical: { marketing: true } } },
    }));
    const r = await postJson(`${ingest}/v1/batch`, PIPELINE, { batch });
    expect(r.status).toBe(200);
    accepted.push(...((await r.json()) as { ids: string[] }).ids);
  }

  const exited = once(child, 'exit');
  const stopAt = Date.now();
  child.kill('SIGTERM');
  const [code] = (await exited) as [number | null];
  expect(code).toBe(0);
  await until(async () => (await refused(`${admin}/`)) && (await refused(`${ingest}/v1/t`)), 10_000);
  expect(Date.now() - stopAt).toBeLessThan(10_000);

  const db = new Database(join(dataDir, 'signal-host.db'), { readonly: true });
  const rows = db.prepare('SELECT event_id, status FROM deliveries').all() as Array<{
    event_id: string;
    status: string;
  }>;
  db.close();
  rmSync(dataDir, { recursive: true, force: true });
  expect(rows.map((r) => r.event_id).sort()).toEqual([...accepted].sort());
  // Each one delivered, or back on the queue for the next start: none left marked in flight.
  expect(rows.filter((r) => r.status !== 'delivered' && r.status !== 'queued')).toEqual([]);
}, 60_000);

test('the sandbox stops when the wrapper that started it is killed (npx runs it under sh -c)', async () => {
  child = spawn('sh', ['-c', 'node bin/amazon-dsp-events.js sandbox --port 0'], {
    cwd: PACKAGE_ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const [, url] = await started(child, (out) => out.match(/"url":"(http:\/\/[^"]+)"/));
  expect(await refused(`${url}/v2/profiles`)).toBe(false);
  child.kill('SIGTERM');
  const ms = await until(() => refused(`${url}/v2/profiles`), 10_000);
  expect(ms).toBeLessThan(10_000);
}, 30_000);
