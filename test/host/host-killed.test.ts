import type { ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { DEMO_ACCOUNT, startSandbox, type Sandbox } from '../../sandbox/index.js';
import { postJson, purchase, SEED_INSTALL } from '../support/host-harness.js';
import { startHostProcess, workerProcesses, type HostProcess } from '../support/host-process.js';
import { readHostDb } from '../support/host-db.js';
import { tempDirForFile } from '../support/temp-dir.js';

/**
 * The host killed outright (`kill -9`, an OOM kill) while its delivery worker process has rows in flight: the
 * worker hears its host is gone, claims nothing more, puts back what it held and exits; the next start delivers
 * every accepted event. (Before: the worker died of its next IPC message to the closed channel, its rows stayed
 * in flight under a name the next run's worker shared, and nothing put them back until another restart.)
 */
const ADMIN = 'host-killed-admin';
const PIPELINE = 'host-killed-pipeline';
const INTEGRATIONS = 40;
const ROUNDS = 2;
const dataDir = tempDirForFile('signal-host-killed-');

let sandbox: Sandbox;
const hosts: ChildProcess[] = [];
beforeAll(async () => {
  sandbox = await startSandbox({ tagRules: true });
});
afterAll(async () => {
  for (const child of hosts) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  await sandbox.close();
});

function startHost(dir = dataDir): Promise<HostProcess> {
  return startHostProcess({
    SIGNAL_DATA_DIR: dir,
    SIGNAL_ADMIN_TOKEN: ADMIN,
    SIGNAL_PIPELINE_KEY: PIPELINE,
    SIGNAL_POLL_MS: '50',
    SIGNAL_WORKERS: '1',
    SIGNAL_AMAZON: 'live',
    AMAZON_ADS_API_URL: sandbox.url,
    AMAZON_LWA_TOKEN_URL: `${sandbox.url}/auth/o2/token`,
    AMAZON_ADS_CLIENT_ID: DEMO_ACCOUNT.clientId,
  }).then((host) => {
    hosts.push(host.child);
    return host;
  });
}

/** Rows by status, and the events stored, read as an operator would. */
function rows(dir = dataDir): { byStatus: Record<string, number>; events: number } {
  return readHostDb(dir, (db) => ({
    byStatus: Object.fromEntries(
      (
        db.prepare('SELECT status, COUNT(*) AS n FROM deliveries GROUP BY status').all() as Array<{
          status: string;
          n: number;
        }>
      ).map((r) => [r.status, r.n]),
    ),
    events: db.prepare('SELECT COUNT(*) FROM events').pluck().get() as number,
  }));
}

/** Rows whose last claim was under `name`, whatever their status now. */
function claimedUnder(dir: string, name: string): number {
  return readHostDb(
    dir,
    (db) => db.prepare('SELECT COUNT(*) FROM deliveries WHERE claimed_by = ?').pluck().get(name) as number,
  );
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

async function until<T>(check: () => T | undefined, what: string, ms: number): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** `count` integrations of the seed's advertiser, each its own dataset name, installed on `admin`. */
async function install(admin: string, count: number): Promise<void> {
  for (let i = 0; i < count; i++) {
    const body = {
      ...SEED_INSTALL,
      name: `Killed ${i}`,
      config: { ...SEED_INSTALL.config, data_set_name: `killed-${i}` },
    };
    expect(
      (await postJson(`${admin}/v1/admin/integration-catalog/amazon_dsp/install`, ADMIN, body)).status,
    ).toBe(201);
  }
}

test('kill -9 of the host while its worker is busy: the worker stops, puts back what it held, and all is delivered', async () => {
  let host = await startHost();
  // Forty integrations: the worker runs eighty deliver calls at once and its event loop is busy when its host
  // dies, so it hears of it late, and its next message to the host used to end it with rows in flight.
  await install(host.admin, INTEGRATIONS);
  let sent = 0;
  for (let round = 0; round < ROUNDS; round++) {
    const worker = Number(workerProcesses(host.child.pid!)[0]);
    expect(worker).toBeGreaterThan(0);
    const posts = Array.from({ length: 3 }, () => {
      const batch = Array.from({ length: 500 }, () => purchase(`KILL-${sent++}`));
      return postJson(`${host.ingest}/v1/batch`, PIPELINE, { batch }).then(
        (r) => r.status,
        () => 'cut',
      );
    });
    // Killed a second in: the requests half stored, their first events in flight, the worker at its busiest.
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    host.child.kill('SIGKILL');
    await Promise.all(posts);
    // Started again at once, as an orchestrator does, while the old worker may still be at work.
    host = await startHost();
    // The old worker ends within moments (it claims nothing more and puts back what it held).
    await until(() => !alive(worker) || undefined, 'the old worker to end', 10_000);
  }
  // Every delivery of every stored event reaches Amazon: none stays in flight under a worker gone.
  await until(
    () => {
      const { byStatus } = rows();
      return (byStatus.queued ?? 0) + (byStatus.in_flight ?? 0) === 0 || undefined;
    },
    'every delivery settled',
    60_000,
  );
  const { byStatus, events } = rows();
  expect(Object.keys(byStatus)).toEqual(['delivered']);
  expect(events).toBeGreaterThan(0);
  expect(byStatus.delivered).toBe(events * INTEGRATIONS); // each stored event, to all forty
  host.child.kill('SIGTERM');
  await new Promise((resolve) => host.child.once('exit', resolve));
}, 120_000);

test('a worker of a killed host, held stopped and resumed after the next host started, takes nothing', async () => {
  const dir = join(dataDir, 'resumed');
  const first = await startHost(dir);
  expect(
    (await postJson(`${first.admin}/v1/admin/integration-catalog/amazon_dsp/install`, ADMIN, SEED_INSTALL))
      .status,
  ).toBe(201);
  const old = Number(workerProcesses(first.child.pid!)[0]);
  process.kill(old, 'SIGSTOP'); // hung, or stopped by a signal, when its host is killed
  first.child.kill('SIGKILL');
  await new Promise((resolve) => first.child.once('exit', resolve));
  const second = await startHost(dir);
  const current = Number(workerProcesses(second.child.pid!)[0]);
  process.kill(current, 'SIGSTOP'); // so the rows stay on the queue for the old worker to find
  try {
    const batch = Array.from({ length: 100 }, (_, n) => purchase(`RESUMED-${n}`));
    expect((await postJson(`${second.ingest}/v1/batch`, PIPELINE, { batch })).status).toBe(200);
    // Resumed, its timers run before it reads that its channel closed; killed a moment later, it would leave
    // whatever it took in flight under its own name.
    process.kill(old, 'SIGCONT');
    await new Promise((resolve) => setTimeout(resolve, 100));
    if (alive(old)) process.kill(old, 'SIGKILL');
    await until(() => !alive(old) || undefined, 'the old worker to end', 5_000);
    // No row was ever claimed under its name (a row keeps the name of its last claim, put back or not).
    expect(claimedUnder(dir, `worker-1/${old}`)).toBe(0);
  } finally {
    process.kill(current, 'SIGCONT');
  }
  await until(() => rows(dir).byStatus.delivered === 100 || undefined, 'the events delivered', 20_000);
  second.child.kill('SIGTERM');
  await new Promise((resolve) => second.child.once('exit', resolve));
}, 60_000);
