import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSandbox, type Sandbox } from '../../sandbox/index.js';
import { DEMO_ACCOUNT } from '../../sandbox/accounts.js';
import { PACKAGE_ROOT } from '../../plugin/project-files.js';
import { postJson, SEED_INSTALL, purchase } from '../support/host-harness.js';

/** The built host (`npm test` builds first), as `npm start` runs it, pointed at this test's sandbox. */
function spawnHost(
  dataDir: string,
  sandbox: Sandbox,
): Promise<{ child: ChildProcess; adminUrl: string; ingestUrl: string }> {
  const child = spawn(process.execPath, [join(PACKAGE_ROOT, 'dist/host/main.js')], {
    env: {
      PATH: process.env.PATH,
      SIGNAL_DATA_DIR: dataDir,
      SIGNAL_ADMIN_PORT: '0',
      SIGNAL_INGEST_PORT: '0',
      SIGNAL_ADMIN_TOKEN: 'YOUR_TOKEN',
      SIGNAL_PIPELINE_KEY: 'pk-test',
      SIGNAL_POLL_MS: '50',
      SIGNAL_AMAZON: 'live',
      AMAZON_ADS_API_URL: sandbox.url,
      AMAZON_LWA_TOKEN_URL: `${sandbox.url}/auth/o2/token`,
      AMAZON_ADS_CLIENT_ID: DEMO_ACCOUNT.clientId,
      AMAZON_REQUEST_TIMEOUT_MS: '5000',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (c: Buffer) => {
      out += c.toString();
      const admin = /Management API\s+(http:\/\/[\d.:]+)\//.exec(out);
      const ingest = /Ingestion\s+(http:\/\/[\d.:]+)\/v1\/t/.exec(out);
      if (admin && ingest) resolve({ child, adminUrl: admin[1]!, ingestUrl: ingest[1]! });
    });
    child.once('exit', (code) => reject(new Error(`host exited with ${code}: ${out}`)));
  });
}

async function until(
  probe: () => boolean | Promise<boolean>,
  what: string,
  timeoutMs = 15_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

test('kill -9 in the middle of a delivery, restart: every accepted event reaches Amazon, with the same eventId', async () => {
  const sandbox = await startSandbox();
  const dataDir = mkdtempSync(join(tmpdir(), 'signal-crash-'));
  let host = await spawnHost(dataDir, sandbox);
  try {
    expect(
      (
        await postJson(
          `${host.adminUrl}/v1/admin/integration-catalog/amazon_dsp/install`,
          'YOUR_TOKEN',
          SEED_INSTALL,
        )
      ).status,
    ).toBe(201);
    sandbox.faults.add({ route: 'events', stall: true });
    const ids = Array.from({ length: 40 }, (_, i) => `CRASH-${i}`);
    const accepted = await postJson(`${host.ingestUrl}/v1/batch`, 'pk-test', {
      batch: ids.map((id) => ({ ...purchase(id), type: 'track' })),
    });
    expect(accepted.status).toBe(200);
    await until(
      () => sandbox.counters.eventRequests >= 1,
      'the first delivery to be in flight (Amazon never answers it)',
    );

    host.child.kill('SIGKILL');
    await new Promise((r) => host.child.once('exit', r));
    host = await spawnHost(dataDir, sandbox);

    await until(
      () => ids.every((id) => sandbox.accepted.has(`5830921746193:${id}`)),
      'every event at Amazon',
    );
    await until(async () => {
      const stats = (await (
        await fetch(`${host.adminUrl}/v1/admin/stats`, { headers: { authorization: 'Bearer YOUR_TOKEN' } })
      ).json()) as { deliveries: Record<string, number> };
      return stats.deliveries.delivered === ids.length;
    }, 'the host to record every delivery');
    const eventIdsOf = (body: string) =>
      (JSON.parse(body) as { events: Array<{ eventId: string }> }).events.map((e) => e.eventId).sort();
    const [inFlightAtKill, ...afterRestart] = sandbox.requests.filter((r) =>
      r.path.endsWith('/create/events'),
    );
    expect(inFlightAtKill!.status).toBe(0);
    expect(eventIdsOf(inFlightAtKill!.body)).toEqual([...ids].sort());
    expect(afterRestart.flatMap((r) => eventIdsOf(r.body)).sort()).toEqual([...ids].sort());
    expect(sandbox.accepted.size).toBe(ids.length);
    expect(sandbox.duplicates).toBe(0);
  } finally {
    host.child.kill('SIGKILL');
    await sandbox.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}, 40_000);
