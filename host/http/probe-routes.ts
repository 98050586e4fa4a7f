import type { ServerResponse } from 'node:http';
import type { Router } from './http-kit.js';

/** The probes' paths, the same on both ports; they answer without auth and show no data. */
export const PROBE_PATHS: ReadonlySet<string> = new Set(['/healthz', '/readyz']);

function answer(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    'cache-control': 'no-store',
  });
  res.end(text);
}

/**
 * `GET /healthz`: 200 while the process answers (liveness). `GET /readyz`: 200 when the host can take and
 * deliver events, else 503 with the reasons (`stopping`, `storage_unavailable`, `workers_not_running`): an
 * orchestrator stops sending traffic, and does not restart a host that is only stopping or waiting for its disk.
 */
export function mountProbes(router: Router, notReady: () => readonly string[]): Router {
  return router
    .on('GET', '/healthz', (_req, res) => answer(res, 200, { status: 'ok' }))
    .on('GET', '/readyz', (_req, res) => {
      let reasons: readonly string[];
      try {
        reasons = notReady();
      } catch {
        reasons = ['check_failed'];
      }
      if (reasons.length === 0) answer(res, 200, { status: 'ready' });
      else answer(res, 503, { status: 'not_ready', reasons });
    });
}
