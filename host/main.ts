import type { AmazonOAuthApp } from './http/oauth-app.js';
import 'reflect-metadata';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join, resolve } from 'node:path';
import {
  createLogger,
  errorMessage,
  SecretRegistry,
  hostSettingsFromEnv,
  type HostSettings,
} from '../plugin/index.js';
import { regionHostsFromBase } from '../plugin/host-settings.js';
import { LWA_AUTHORIZE_URLS } from '../plugin/constants.js';
import { startSandbox, DEMO_ACCOUNT, type Sandbox } from '../sandbox/index.js';
import { DEFAULT_WORKER_SETTINGS, SignalHost } from './signal-host.js';
import { banner } from './banner.js';
import { stopRequested, stopWithin } from '../cli/stop-request.js';
import { rotateKeyCommand } from './rotate-key.js';
import { loadSecretKey } from './store/secret-box.js';
import { parseRetention } from './pipeline/raw-retention.js';
import { otlpTracesUrlOf } from './telemetry/host-telemetry.js';
import { context } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';

/** How long a stop may take, in-flight deliveries included, before the process exits anyway. */
const STOP_DEADLINE_MS = 10_000;

/**
 * `npm start`: the reference host on the embedded default. Management API on 8084, ingestion on 8080 and,
 * unless `SIGNAL_AMAZON=live`, the project's Amazon Ads API sandbox standing in for Amazon.
 */
async function main(env: NodeJS.ProcessEnv, args: string[]): Promise<void> {
  const dataDir = resolve(env.SIGNAL_DATA_DIR ?? '.data');
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  if (args[0] === 'rotate-key') {
    process.exitCode = rotateKeyCommand(dataDir, env, process.stdout, process.stderr);
    return;
  }
  if (args.length > 0) throw new Error(`unknown command ${args[0]}; the host takes none, or rotate-key`);
  const tokens = storedTokens(dataDir, env);
  const live = env.SIGNAL_AMAZON === 'live';
  // One registry for the plugin and the host's logger: a token the plugin learns is scrubbed from every line.
  const secrets = new SecretRegistry();
  let sandbox: Sandbox | undefined;
  let amazon: HostSettings;
  let oauth: AmazonOAuthApp | undefined;
  if (live) {
    amazon = hostSettingsFromEnv(env);
    // "Connect with Amazon" needs the host's own Login with Amazon application, secret included.
    if (env.AMAZON_ADS_CLIENT_ID && env.AMAZON_ADS_CLIENT_SECRET)
      oauth = {
        clientId: env.AMAZON_ADS_CLIENT_ID,
        clientSecret: env.AMAZON_ADS_CLIENT_SECRET,
        authorizeUrls: env.AMAZON_LWA_AUTHORIZE_URL
          ? regionHostsFromBase(env.AMAZON_LWA_AUTHORIZE_URL)
          : LWA_AUTHORIZE_URLS,
      };
  } else {
    sandbox = await startSandbox({
      port: positive(env.SIGNAL_SANDBOX_PORT) ?? 0,
      tokenTtlSeconds: positive(env.SIGNAL_SANDBOX_TOKEN_TTL),
      // In the host's own process: its controls need the admin token, and its request log keeps excerpts.
      controlToken: tokens.admin,
      keepBodyChars: 2_048,
    });
    amazon = {
      regionHosts: regionHostsFromBase(`${sandbox.url}/{region}`),
      lwaTokenUrl: `${sandbox.url}/auth/o2/token`,
      // Login with Amazon per region, as the Ads API hosts: the sandbox's /na, /eu, /fe.
      lwaTokenUrls: regionHostsFromBase(`${sandbox.url}/{region}/auth/o2/token`),
      platformClientId: DEMO_ACCOUNT.clientId,
      requestTimeoutMs: positive(env.AMAZON_REQUEST_TIMEOUT_MS) ?? 10_000,
    };
    oauth = {
      clientId: DEMO_ACCOUNT.clientId,
      clientSecret: DEMO_ACCOUNT.clientSecret,
      authorizeUrls: regionHostsFromBase(`${sandbox.url}/{region}/ap/oa`),
    };
  }
  // Several hosts (or delivery processes) sharing one Amazon credential renew its token once through Redis.
  if (env.SIGNAL_REDIS_URL) amazon = { ...amazon, stateRedisUrl: env.SIGNAL_REDIS_URL };
  // A span's parent is the caller's active span: the context follows async calls in this process.
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  const key = env.SIGNAL_SECRET_KEY ? loadSecretKey(dataDir, env).key : undefined;
  const timeouts = {
    headersTimeoutMs: positive(env.SIGNAL_HEADERS_TIMEOUT_MS),
    requestTimeoutMs: positive(env.SIGNAL_REQUEST_TIMEOUT_MS),
  };
  const host = await new SignalHost({
    dataDir,
    secretKey: key,
    adminPort: Number(env.SIGNAL_ADMIN_PORT ?? 8084),
    ingestPort: Number(env.SIGNAL_INGEST_PORT ?? 8080),
    host: env.SIGNAL_BIND ?? '127.0.0.1',
    adminToken: tokens.admin,
    metricsToken: env.SIGNAL_METRICS_TOKEN || undefined,
    otlpTracesUrl: otlpTracesUrlOf(env),
    pipelineKey: tokens.pipeline,
    amazon,
    oauth,
    publicUrl: publicUrl(env.SIGNAL_PUBLIC_URL),
    logger: createLogger({ level: env.LOG_LEVEL ?? 'warn', secrets }),
    logLevel: env.LOG_LEVEL ?? 'warn',
    workerProcesses: workerCount(env.SIGNAL_WORKERS),
    secrets,
    rawRetentionMs: duration('SIGNAL_RAW_RETENTION', env.SIGNAL_RAW_RETENTION),
    clickTokens: {
      ttlMs: duration('SIGNAL_CLICK_TOKEN_TTL', env.SIGNAL_CLICK_TOKEN_TTL),
      redisUrl: env.SIGNAL_REDIS_URL || undefined,
    },
    limits: {
      admin: { ...timeouts, maxConnections: positive(env.SIGNAL_ADMIN_MAX_CONNECTIONS) },
      ingest: { ...timeouts, maxConnections: positive(env.SIGNAL_INGEST_MAX_CONNECTIONS) },
    },
    worker: {
      retry: {
        maxAttempts: positive(env.SIGNAL_MAX_ATTEMPTS) ?? DEFAULT_WORKER_SETTINGS.retry.maxAttempts,
        baseMs: positive(env.SIGNAL_RETRY_BASE_MS) ?? DEFAULT_WORKER_SETTINGS.retry.baseMs,
      },
      pollMs: positive(env.SIGNAL_POLL_MS) ?? DEFAULT_WORKER_SETTINGS.pollMs,
    },
  }).start();

  process.stdout.write(
    banner({
      adminUrl: host.adminUrl,
      pageUrl: host.publicUrl,
      ingestUrl: host.ingestUrl,
      sandboxUrl: sandbox?.url,
      tokens,
      dataDir,
    }),
  );
  const reason = await stopRequested();
  process.stderr.write(
    `${reason}: stopping (no new events; in-flight deliveries finish or go back on the queue)\n`,
  );
  await stopWithin(STOP_DEADLINE_MS, async () => {
    await host.stop(STOP_DEADLINE_MS - 2_000);
    await sandbox?.close();
  });
}

/**
 * A duration setting (`SIGNAL_RAW_RETENTION`, `SIGNAL_CLICK_TOKEN_TTL`: `7d`, `12h`, `0`…), or the default; a
 * value that is none of these stops the start.
 */
function duration(name: string, value: string | undefined): number | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  const ms = parseRetention(value);
  if (ms === undefined) throw new Error(`${name} must be like 7d, 12h, 30m or 0, not ${value}`);
  return ms;
}

/** `SIGNAL_PUBLIC_URL`: an http(s) URL where browsers reach the admin port; anything else stops the start. */
function publicUrl(value: string | undefined): string | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  const url = URL.canParse(value.trim()) ? new URL(value.trim()) : undefined;
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:') || url.search || url.hash)
    throw new Error(
      `SIGNAL_PUBLIC_URL must be an http(s) URL such as https://signal.example.com, not ${value}`,
    );
  return url.toString();
}

/** A positive number from the environment, or undefined when unset or not a positive number. */
/** The most delivery worker processes `SIGNAL_WORKERS` may ask for. */
const MAX_WORKERS = 64;

/** `SIGNAL_WORKERS`: 1 when unset; a whole number from 0 to 64, or the start stops naming it. */
function workerCount(value: string | undefined): number {
  if (value === undefined || value.trim() === '') return 1;
  const n = /^\d{1,3}$/.test(value.trim()) ? Number(value.trim()) : NaN;
  if (!(n <= MAX_WORKERS))
    throw new Error(
      `SIGNAL_WORKERS must be a whole number of delivery worker processes from 0 to ${MAX_WORKERS} (0: deliver in this process), not ${value}`,
    );
  return n;
}

function positive(value: string | undefined): number | undefined {
  const n = Number(value);
  return value && Number.isFinite(n) && n > 0 ? n : undefined;
}

/** Tokens from the environment, else the ones stored in the data directory, else new ones (then stored). */
function storedTokens(
  dataDir: string,
  env: NodeJS.ProcessEnv,
): { admin: string; pipeline: string; generated: string[] } {
  const file = join(dataDir, 'tokens.json');
  const stored = existsSync(file)
    ? (JSON.parse(readFileSync(file, 'utf8')) as { admin?: string; pipeline?: string })
    : {};
  const fresh = (prefix: string) => `${prefix}_${randomBytes(18).toString('base64url')}`;
  const admin = env.SIGNAL_ADMIN_TOKEN || stored.admin || fresh('adm');
  const pipeline = env.SIGNAL_PIPELINE_KEY || stored.pipeline || fresh('pk');
  const generated = [
    ...(!env.SIGNAL_ADMIN_TOKEN && !stored.admin ? ['SIGNAL_ADMIN_TOKEN'] : []),
    ...(!env.SIGNAL_PIPELINE_KEY && !stored.pipeline ? ['SIGNAL_PIPELINE_KEY'] : []),
  ];
  if (generated.length > 0) {
    const keep = {
      ...stored,
      ...(!env.SIGNAL_ADMIN_TOKEN && { admin }),
      ...(!env.SIGNAL_PIPELINE_KEY && { pipeline }),
    };
    writeFileSync(file, JSON.stringify(keep), { mode: 0o600 });
  }
  return { admin, pipeline, generated };
}

main(process.env, process.argv.slice(2)).catch((error: unknown) => {
  process.stderr.write(`The host could not start: ${errorMessage(error)}\n`);
  process.exit(1);
});
