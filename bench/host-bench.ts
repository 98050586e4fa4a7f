import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PACKAGE_ROOT } from '../plugin/project-files.js';
import { eventMix } from './event-mix.js';
import type { SandboxProcess } from './sandbox-process.js';
import { round } from './measure.js';

export interface HostFigures {
  host_events: number;
  host_events_per_s: number;
  host_accept_events_per_s: number;
}

const ADMIN = 'bench-admin';
const PIPELINE = 'bench-pipeline';

/**
 * The host's event path end to end, as `npm start` runs it (its own process, `SIGNAL_AMAZON=live` pointed at
 * the sandbox process): `count` purchases posted to `/v1/batch`, 500 a request, 4 requests in flight, timed
 * from the first post until every event is delivered. Also reports how fast ingestion alone accepted them.
 * With `HOST_BENCH_PROFILE=<dir>`, the host writes a V8 CPU profile (`--cpu-prof`) into that directory.
 */
export async function benchHost(sandbox: SandboxProcess, count = 50_000): Promise<HostFigures> {
  const dataDir = mkdtempSync(join(tmpdir(), 'signal-host-bench-'));
  const profile = process.env.HOST_BENCH_PROFILE
    ? ['--cpu-prof', `--cpu-prof-dir=${process.env.HOST_BENCH_PROFILE}`]
    : [];
  const child = spawn(process.execPath, [...profile, join(PACKAGE_ROOT, 'dist/host/main.js')], {
    env: {
      ...process.env,
      ...sandbox.env,
      SIGNAL_AMAZON: 'live',
      SIGNAL_DATA_DIR: dataDir,
      SIGNAL_ADMIN_PORT: '0',
      SIGNAL_INGEST_PORT: '0',
      SIGNAL_ADMIN_TOKEN: ADMIN,
      SIGNAL_PIPELINE_KEY: PIPELINE,
      LOG_LEVEL: 'error',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4000)));
  try {
    const [admin, ingest] = await new Promise<[string, string]>((resolve, reject) => {
      let out = '';
      child.stdout!.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        const m = /Management API\s+(http:\/\/\S+?)\/\s[\s\S]*Ingestion\s+(http:\/\/\S+?)\/v1\/t/.exec(out);
        if (m) resolve([m[1]!, m[2]!]);
      });
      child.once('exit', (code) => reject(new Error(`the host exited with ${code}: ${stderr.slice(-2000)}`)));
    });
    const post = (url: string, token: string, body: string) =>
      fetch(url, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body,
      });
    const installed = await post(
      `${admin}/v1/admin/integration-catalog/amazon_dsp/install`,
      ADMIN,
      JSON.stringify({ variant: 'default', config: sandbox.credentials }),
    );
    if (installed.status !== 201) throw new Error(`install answered ${installed.status}`);

    const purchases = eventMix(count * 4, 77)
      .filter((e) => e.event === 'purchase')
      .slice(0, count)
      .map((e) => ({
        ...e,
        context: { ...(e.context as object), consent: { canonical: { marketing: true } } },
      }));
    const bodies: string[] = [];
    for (let i = 0; i < purchases.length; i += 500)
      bodies.push(JSON.stringify({ batch: purchases.slice(i, i + 500) }));

    const started = performance.now();
    let next = 0;
    const sender = async (): Promise<void> => {
      while (next < bodies.length) {
        const r = await post(`${ingest}/v1/batch`, PIPELINE, bodies[next++]!);
        if (r.status !== 200) throw new Error(`ingestion answered ${r.status}`);
      }
    };
    await Promise.all([sender(), sender(), sender(), sender()]);
    const acceptedAt = performance.now();
    for (;;) {
      const stats = (await (
        await fetch(`${admin}/v1/admin/stats`, { headers: { authorization: `Bearer ${ADMIN}` } })
      ).json()) as {
        deliveries: Record<string, number>;
      };
      const settled =
        (stats.deliveries.delivered ?? 0) + (stats.deliveries.rejected ?? 0) + (stats.deliveries.dead ?? 0);
      if (settled >= purchases.length) break;
      if (performance.now() - started > 600_000)
        throw new Error(`only ${settled} of ${purchases.length} delivered`);
      // Every 10 ms: the last events are delivered some 20-50 ms after the last is accepted, and a poll every
      // 100 ms saw that up to 100 ms late (2-3% of the run).
      await new Promise((r) => setTimeout(r, 10));
    }
    const seconds = (performance.now() - started) / 1000;
    return {
      host_events: purchases.length,
      host_events_per_s: round(purchases.length / seconds),
      host_accept_events_per_s: round(purchases.length / ((acceptedAt - started) / 1000)),
    };
  } finally {
    if (child.exitCode === null && child.signalCode === null)
      await new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      });
    rmSync(dataDir, { recursive: true, force: true });
  }
}
