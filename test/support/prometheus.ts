import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../../bench/free-port.js';

/** Debian's Prometheus and promtool (installed by .ci/run), or `SIGNAL_TEST_PROMETHEUS` / `SIGNAL_TEST_PROMTOOL`. */
export const PROMETHEUS = process.env.SIGNAL_TEST_PROMETHEUS || '/usr/bin/prometheus';
export const PROMTOOL = process.env.SIGNAL_TEST_PROMTOOL || '/usr/bin/promtool';

export interface PrometheusServer {
  url: string;
  /** An instant query's vector, as `[labels, value]` pairs. */
  query(promql: string): Promise<Array<[Record<string, string>, number]>>;
  close(): Promise<void>;
}

/**
 * A Prometheus of the test's own: a free port, a temp config and data directory, one job scraping `target`
 * (`host:port`) every second with a bearer token.
 */
export async function startPrometheus(target: string, token: string): Promise<PrometheusServer> {
  const dir = mkdtempSync(join(tmpdir(), 'prometheus-'));
  const port = await freePort();
  writeFileSync(
    join(dir, 'prometheus.yml'),
    [
      'global: { scrape_interval: 1s, scrape_timeout: 900ms, evaluation_interval: 1s }',
      'scrape_configs:',
      '  - job_name: signal',
      '    metrics_path: /metrics',
      `    authorization: { type: Bearer, credentials: ${JSON.stringify(token)} }`,
      `    static_configs: [{ targets: [${JSON.stringify(target)}] }]`,
      '',
    ].join('\n'),
  );
  const child: ChildProcess = spawn(
    PROMETHEUS,
    [
      `--config.file=${join(dir, 'prometheus.yml')}`,
      `--storage.tsdb.path=${join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
    ],
    { stdio: 'ignore' },
  );
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 10_000;
  for (;;) {
    const ready = await fetch(`${url}/-/ready`).then(
      (r) => r.ok,
      () => false,
    );
    if (ready) break;
    if (child.exitCode !== null || Date.now() > deadline) throw new Error('Prometheus did not start');
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    url,
    async query(promql) {
      const r = await fetch(`${url}/api/v1/query?query=${encodeURIComponent(promql)}`);
      const body = (await r.json()) as {
        status: string;
        data: { result: Array<{ metric: Record<string, string>; value: [number, string] }> };
      };
      if (body.status !== 'success') throw new Error(`query failed: ${JSON.stringify(body)}`);
      return body.data.result.map((s) => [s.metric, Number(s.value[1])]);
    },
    async close() {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** `promtool <args>` with `input` on stdin: its exit status and what it printed. */
export function promtool(args: string[], input?: string): { status: number | null; output: string } {
  const r = spawnSync(PROMTOOL, args, { input, encoding: 'utf8' });
  return { status: r.status, output: `${r.stdout}${r.stderr}` };
}
