import 'reflect-metadata';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { startSandbox, type Sandbox, type SandboxOptions } from '../../sandbox/index.js';
import { DEMO_ACCOUNT } from '../../sandbox/accounts.js';
import { SignalHost, type SignalHostOptions } from '../../host/signal-host.js';
import { createLogger, type HostSettings } from '../../plugin/index.js';
import { regionHostsFromBase } from '../../plugin/host-settings.js';

export const ADMIN_TOKEN = 'YOUR_TOKEN';
export const PIPELINE_KEY = 'test-pipeline-key';

export interface HostHarness {
  host: SignalHost;
  sandbox: Sandbox;
  dataDir: string;
  admin(
    path: string,
    init?: { method?: string; body?: unknown; token?: string | null },
  ): Promise<{ status: number; body: any }>;
  ingest(path: string, body: unknown, token?: string | null): Promise<{ status: number; body: any }>;
  /** `POST /v1/admin/integration-catalog/amazon_dsp/install` with `body` (default: the seed's install body). */
  install(body?: unknown): Promise<{ status: number; body: any }>;
  waitFor<T>(
    probe: () => Promise<T | undefined> | T | undefined,
    what: string,
    timeoutMs?: number,
  ): Promise<T>;
  /** The newest Live Events entry of an accepted event, or undefined when it is not shown (yet). */
  liveEvent(eventId: string): Promise<any>;
  /** Waits until the Live Events entry of an accepted event has this outcome status; resolves to the entry. */
  waitForOutcome(eventId: string, status: string, timeoutMs?: number): Promise<any>;
  close(): Promise<void>;
}

/**
 * A reference host on random ports with a fresh data directory, and the sandbox as Amazon (its strict rules,
 * and `sandboxOptions`); `stateRedisUrl` makes the plugin share tokens and pace through that Redis.
 */
export async function startHost(
  options: Partial<Omit<SignalHostOptions, 'amazon'>> & { amazon?: Partial<HostSettings> } = {},
  stateRedisUrl?: string,
  sandboxOptions: SandboxOptions = {},
): Promise<HostHarness> {
  // The strict rules: Amazon's stated ones, its tag's and the sandbox's inferences (region hosts among them).
  const sandbox = await startSandbox({ tagRules: true, ...sandboxOptions });
  const { amazon: amazonOverrides, ...hostOptions } = options;
  const dataDir = mkdtempSync(join(tmpdir(), 'signal-host-'));
  const host = new SignalHost({
    dataDir,
    adminPort: 0,
    ingestPort: 0,
    adminToken: ADMIN_TOKEN,
    pipelineKey: PIPELINE_KEY,
    amazon: {
      regionHosts: regionHostsFromBase(`${sandbox.url}/{region}`),
      lwaTokenUrl: `${sandbox.url}/auth/o2/token`,
      lwaTokenUrls: regionHostsFromBase(`${sandbox.url}/{region}/auth/o2/token`),
      platformClientId: DEMO_ACCOUNT.clientId,
      requestTimeoutMs: 1_000,
      ...(stateRedisUrl ? { stateRedisUrl } : {}),
      ...amazonOverrides,
    },
    delivery: { baseBackoffMs: 10, maxBackoffMs: 50, budgetMs: 2_000, maxAttempts: 2 },
    worker: { pollMs: 30, retry: { maxAttempts: 3, baseMs: 30 } },
    logger: createLogger({ stream: new Writable({ write: (_c, _e, done) => done() }) }),
    oauth: {
      clientId: DEMO_ACCOUNT.clientId,
      clientSecret: DEMO_ACCOUNT.clientSecret,
      authorizeUrls: regionHostsFromBase(`${sandbox.url}/{region}/ap/oa`),
    },
    ...hostOptions,
  });
  try {
    await host.start();
  } catch (error) {
    // A host that could not start (its data directory held, say) leaves nothing running behind it.
    await sandbox.close();
    rmSync(dataDir, { recursive: true, force: true });
    throw error;
  }
  const call = async (base: string, path: string, method: string, body: unknown, token: string | null) => {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (token) headers.authorization = `Bearer ${token}`;
    const r = await fetch(`${base}${path}`, {
      method,
      headers,
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await r.text();
    return { status: r.status, body: text ? JSON.parse(text) : undefined };
  };
  const harness: HostHarness = {
    host,
    sandbox,
    dataDir,
    admin: (path, init = {}) =>
      call(
        host.adminUrl,
        path,
        init.method ?? 'GET',
        init.body,
        init.token === undefined ? ADMIN_TOKEN : init.token,
      ),
    ingest: (path, body, token = PIPELINE_KEY) => call(host.ingestUrl, path, 'POST', body, token),
    install: (body = SEED_INSTALL) =>
      call(host.adminUrl, '/v1/admin/integration-catalog/amazon_dsp/install', 'POST', body, ADMIN_TOKEN),
    async waitFor(probe, what, timeoutMs = 8_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const value = await probe();
        if (value !== undefined && value !== false) return value;
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
        await new Promise((r) => setTimeout(r, 25));
      }
    },
    async liveEvent(eventId) {
      const { data } = (await harness.admin('/v1/admin/live-events?limit=500')).body as {
        data: Array<{ event_id: string }>;
      };
      return data.find((e) => e.event_id === eventId);
    },
    async waitForOutcome(eventId, status, timeoutMs) {
      return harness.waitFor(
        async () => {
          const { data } = (await harness.admin('/v1/admin/live-events?limit=500')).body as {
            data: Array<{ event_id: string; outcome: { status: string } }>;
          };
          return data.find((e) => e.event_id === eventId && e.outcome.status === status);
        },
        `event ${eventId} ${status}`,
        timeoutMs,
      );
    },
    async close() {
      await host.stop();
      await sandbox.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
  return harness;
}

/** A JSON POST with a bearer token, as a client of a host started as a process sends it. */
export function postJson(url: string, token: string, body: unknown): Promise<Response> {
  return fetch(url, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
}

/** The sandbox's demo Login with Amazon credentials as an integration's config takes them. */
export const DEMO_LWA_CONFIG = {
  client_id: DEMO_ACCOUNT.clientId,
  client_secret: DEMO_ACCOUNT.clientSecret,
  refresh_token: DEMO_ACCOUNT.refreshToken,
};

/** The seed's install body, verbatim. */
export const SEED_INSTALL = {
  name: 'Amazon DSP Events',
  variant: 'default',
  config: { advertiser_id: 'ENTITY1234ABCD', profile_id: '1234567890', access_token: 'Atza|IwEBIA...' },
  delivery_mode: 'server_side',
};

/** A purchase as Datafly.js would send it to /v1/t. */
export function purchase(transactionId: string): Record<string, unknown> {
  return {
    event: 'purchase',
    properties: {
      transaction_id: transactionId,
      value: 49.99,
      currency: 'USD',
      items: [{ item_id: 'SKU-1', quantity: 1 }],
    },
    traits: { email: 'jane.doe@example.com' },
    context: { locale: 'en-US', ip: '203.0.113.42', consent: { canonical: { marketing: true } } },
  };
}
