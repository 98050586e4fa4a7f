import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { PACKAGE_ROOT } from '../../plugin/project-files.js';
import { postJson, SEED_INSTALL } from '../support/host-harness.js';
import { startHostProcess, workerProcesses } from '../support/host-process.js';
import { tempDirForFile } from '../support/temp-dir.js';

/**
 * `npm start` delivers in a process of its own, as Signal's delivery workers run apart from ingestion: one
 * worker process by default (`SIGNAL_WORKERS=1`), as many as asked, or none (`0`: the host's own process).
 */
const ADMIN = 'delivery-process-admin';
const PIPELINE = 'delivery-process-pipeline';
const dataDir = tempDirForFile('signal-delivery-process-');

let child: ChildProcess | undefined;
afterEach(() => {
  if (child?.exitCode === null) child.kill('SIGKILL');
});

test.each<[string, string | undefined, number]>([
  ['by default: one delivery worker process', undefined, 1],
  ['SIGNAL_WORKERS=2: two delivery worker processes', '2', 2],
  ['SIGNAL_WORKERS=0: none, the host delivers itself', '0', 0],
])(
  '%s; the event is delivered',
  async (_label, workers, expected) => {
    const host = await startHostProcess({
      SIGNAL_DATA_DIR: `${dataDir}/${expected}`,
      SIGNAL_ADMIN_TOKEN: ADMIN,
      SIGNAL_PIPELINE_KEY: PIPELINE,
      SIGNAL_POLL_MS: '50',
      SIGNAL_WORKERS: workers, // undefined: not passed on, whatever this process has
    });
    child = host.child;
    const { admin, ingest } = host;
    const forked = workerProcesses(child.pid!);
    expect(forked.length).toBe(expected);
    // A worker gets its settings over IPC: the admin token and pipeline key are not in its environment.
    for (const pid of forked) {
      const environ = readFileSync(`/proc/${pid}/environ`, 'utf8');
      expect([environ.includes(ADMIN), environ.includes(PIPELINE), environ.includes('SIGNAL_')]).toEqual([
        false,
        false,
        false,
      ]);
    }

    expect(
      (await postJson(`${admin}/v1/admin/integration-catalog/amazon_dsp/install`, ADMIN, SEED_INSTALL))
        .status,
    ).toBe(201);
    const event = {
      type: 'track',
      event: 'purchase',
      properties: { transaction_id: 'PROC-1', value: 10, currency: 'USD' },
      traits: { email: 'person@example.com' },
      context: { locale: 'en-US', consent: { canonical: { marketing: true } } },
    };
    expect((await postJson(`${ingest}/v1/t`, PIPELINE, event)).status).toBe(200);
    const deadline = Date.now() + 15_000;
    let delivered = 0;
    while (delivered !== 1 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100));
      const stats = (await (
        await fetch(`${admin}/v1/admin/stats`, { headers: { authorization: `Bearer ${ADMIN}` } })
      ).json()) as { deliveries: Record<string, number> };
      delivered = stats.deliveries.delivered ?? 0;
    }
    expect(delivered).toBe(1);
  },
  30_000,
);

test.each(['abc', '-1', '1.5', '1e1', '65'])(
  'SIGNAL_WORKERS=%s stops the start, naming the variable',
  async (workers) => {
    const run = spawn(process.execPath, ['dist/host/main.js'], {
      cwd: PACKAGE_ROOT,
      env: {
        ...process.env,
        SIGNAL_DATA_DIR: `${dataDir}/bad`,
        SIGNAL_ADMIN_PORT: '0',
        SIGNAL_INGEST_PORT: '0',
        SIGNAL_WORKERS: workers,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    run.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const [code] = (await once(run, 'exit')) as [number | null];
    expect(code).toBe(1);
    expect(stderr).toContain(
      `SIGNAL_WORKERS must be a whole number of delivery worker processes from 0 to 64 (0: deliver in this process), not ${workers}`,
    );
  },
);
