import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger } from '../plugin/index.js';
import { regionHostsFromBase } from '../plugin/host-settings.js';
import { startSandbox } from '../sandbox/index.js';
import { TEST_ACCOUNT, credentialsOf } from '../sandbox/accounts.js';
import { SignalHost } from '../host/signal-host.js';
import { eventMix } from './event-mix.js';

export interface SoakAccounting {
  accepted: number;
  delivered: number;
  rejected: number;
  dead_lettered: number;
  filtered: number;
  invalid: number;
  duplicates: number;
  missing_at_amazon: number;
  lost: number;
  seconds: number;
  amazon_requests: number;
  token_requests: number;
  statuses: Record<string, number>;
}

export interface SoakOptions {
  events: number;
  /** Give up waiting for the queue to drain after this long. */
  timeoutMs: number;
  seed?: number;
  /** Lifetime of every access token at the sandbox, the first one's included (default 5 s). */
  tokenTtlSeconds?: number;
  /** The sandbox's injected faults (429, 5xx, stalls, per-event errors); on by default. */
  chaos?: boolean;
}

/**
 * Events through the reference host (ingestion → queue → deliver) while the sandbox misbehaves: about 10% 429
 * (half with Retry-After), 5% 5xx, 2% stalled connections, access tokens that last 5 seconds (the plugin renews
 * them with the installation's refresh credentials) and per-event 207 errors on 1%. Delivery settings are
 * shortened so it ends in minutes. Returns an accounting that must balance.
 */
export async function soak(options: SoakOptions): Promise<SoakAccounting> {
  const started = Date.now();
  const sandbox = await startSandbox({
    recordMode: 'ids',
    keepRequests: 0,
    tokenTtlSeconds: options.tokenTtlSeconds ?? 5,
  });
  const dataDir = mkdtempSync(join(tmpdir(), 'signal-soak-'));
  const host = await new SignalHost({
    dataDir,
    adminPort: 0,
    ingestPort: 0,
    adminToken: 'soak-admin',
    pipelineKey: 'soak-pipeline',
    amazon: {
      regionHosts: regionHostsFromBase(`${sandbox.url}/{region}`),
      lwaTokenUrl: `${sandbox.url}/auth/o2/token`,
      requestTimeoutMs: 5_000,
    },
    delivery: {
      maxAttempts: 3,
      budgetMs: 8_000,
      baseBackoffMs: 50,
      maxBackoffMs: 400,
      maxRetryAfterMs: 1_000,
    },
    worker: { pollMs: 50, batchSize: 500, concurrency: 2, retry: { maxAttempts: 5, baseMs: 200 } },
    logger: createLogger({ level: 'error' }),
  }).start();
  try {
    const post = (url: string, token: string, body: unknown) =>
      fetch(url, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    const install = await post(
      `${host.adminUrl}/v1/admin/integration-catalog/amazon_dsp/install`,
      'soak-admin',
      { variant: 'default', config: credentialsOf(TEST_ACCOUNT) },
    );
    if (install.status !== 201)
      throw new Error(`soak: install answered ${install.status}: ${await install.text()}`);
    sandbox.expireTokens(true);
    if (options.chaos !== false)
      sandbox.setChaos({
        rateLimited: 0.05,
        rateLimitedWithoutRetryAfter: 0.05,
        serverError: 0.05,
        stall: 0.02,
        eventError: 0.01,
        retryAfterSeconds: 1,
        seed: options.seed ?? 1,
      });

    let accepted = 0;
    for (let done = 0, chunk = 0; done < options.events; chunk++) {
      const n = Math.min(500, options.events - done);
      const batch = eventMix(n, 5000 + chunk).map((e) => ({
        ...e,
        context: { ...(e.context as object), consent: { canonical: { marketing: true } } },
      }));
      const r = await post(`${host.ingestUrl}/v1/batch`, 'soak-pipeline', { batch });
      if (r.status !== 200) throw new Error(`soak: ingestion answered ${r.status}`);
      accepted += ((await r.json()) as { accepted: number }).accepted;
      done += n;
    }

    const deadline = Date.now() + options.timeoutMs;
    for (;;) {
      const { deliveries } = host.accounting();
      if ((deliveries.queued ?? 0) + (deliveries.in_flight ?? 0) === 0) break;
      if (Date.now() > deadline) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    const { events, deliveries, deliveredEventIds } = host.accounting();
    const accountId = TEST_ACCOUNT.advertiserAccounts[0]!.alternateIds[0]!.dspAdvertiserId;
    const missing = deliveredEventIds.filter(
      (id) => sandbox.acceptedCounts.get(`${accountId}:${id}`) === undefined,
    ).length;
    const settled = ['delivered', 'rejected', 'dead', 'filtered', 'invalid'].reduce(
      (n, s) => n + (deliveries[s] ?? 0),
      0,
    );
    return {
      accepted: Math.min(accepted, events),
      delivered: deliveries.delivered ?? 0,
      rejected: deliveries.rejected ?? 0,
      dead_lettered: deliveries.dead ?? 0,
      filtered: deliveries.filtered ?? 0,
      invalid: deliveries.invalid ?? 0,
      duplicates: sandbox.duplicates,
      missing_at_amazon: missing,
      lost: accepted - settled,
      seconds: Math.round((Date.now() - started) / 100) / 10,
      amazon_requests: sandbox.counters.eventRequests,
      token_requests: sandbox.counters.tokenRequests,
      statuses: sandbox.counters.byStatus,
    };
  } finally {
    await host.stop();
    await sandbox.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
