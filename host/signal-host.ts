import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  createDestination,
  type Destination,
  type DeliverySettings,
  type HostSettings,
  type Logger,
  type SecretRegistry,
} from '../plugin/index.js';
import type { Db } from './store/database.js';
import { openHostStore } from './store/host-store.js';
import { DataDirLock } from './store/data-dir-lock.js';
import { OAuthStates, type AmazonOAuthApp } from './http/oauth-app.js';
import type { DeliveriesRepo } from './store/deliveries-repo.js';
import { burst, LiveHub } from './pipeline/live-hub.js';
import { Intake } from './pipeline/intake.js';
import { LiveEvents } from './pipeline/live-view.js';
import { DeliveryWorker, type WorkerSettings, type WorkerSinks } from './pipeline/delivery-worker.js';
import { WorkerProcesses } from './pipeline/worker-processes.js';
import { DEFAULT_RETRY_POLICY } from './pipeline/retry-schedule.js';
import { DEFAULT_RAW_RETENTION_MS, RawRetention } from './pipeline/raw-retention.js';
import { ClickTokenMemory, DEFAULT_CLICK_TOKEN_TTL_MS } from './identity/click-token-memory.js';
import { RedisClickTokens } from './identity/redis-click-tokens.js';
import { SqliteClickTokens } from './identity/sqlite-click-tokens.js';
import { adminRouter } from './http/admin/admin-router.js';
import { ingestRouter, INGEST_BODY_LIMIT } from './http/ingest-api.js';
import type { Router } from './http/http-kit.js';
import { DEFAULT_LIMITS, limitsWith, serve, type ServerLimits } from './http/serve.js';
import { mountWebPage } from './http/web-page.js';
import { mountProbes } from './http/probe-routes.js';
import { HostTelemetry } from './telemetry/host-telemetry.js';
import { HostMetrics } from './telemetry/host-metrics.js';
import { Readiness } from './telemetry/readiness.js';
import { StorageWarnings } from './telemetry/storage-warnings.js';
import { mountMetrics } from './telemetry/metrics-route.js';

/** The delivery worker's settings where the options give none. */
export const DEFAULT_WORKER_SETTINGS: WorkerSettings = {
  pollMs: 200,
  /** Rows a deliver call is given: four requests' worth, which deliver sends four at a time. */
  batchSize: 2_000,
  concurrency: 2,
  retry: DEFAULT_RETRY_POLICY,
};

export interface SignalHostOptions {
  dataDir: string;
  adminPort: number;
  ingestPort: number;
  host?: string;
  adminToken: string;
  pipelineKey: string;
  /** Where Amazon is: the plugin's host settings. */
  amazon: HostSettings;
  delivery?: Partial<DeliverySettings>;
  worker?: Partial<WorkerSettings>;
  /**
   * Delivery worker processes (`SIGNAL_WORKERS`, 1 in `npm start`): that many are forked over the same queue,
   * sharing tokens and pace through Redis when `amazon.stateRedisUrl` is set; 0 or none (the default here)
   * delivers in this process.
   */
  workerProcesses?: number;
  /** The log level of worker processes (this process's logger is given whole). */
  logLevel?: string;
  logger?: Logger;
  /** How long a raw event is kept once all its deliveries are final (default 7 days; 0: at once). */
  rawRetentionMs?: number;
  /**
   * How long an Amazon click token is remembered for its visitor (`SIGNAL_CLICK_TOKEN_TTL`, default 14 days;
   * 0: not at all), and the Redis that hosts share it through (`SIGNAL_REDIS_URL`; absent: this host's database).
   */
  clickTokens?: { ttlMs?: number; redisUrl?: string };
  /** The key secrets are encrypted with at rest (32 bytes); default: the data directory's `secret.key`. */
  secretKey?: Buffer;
  /** Secret values the plugin learns (tokens); give the same registry to `logger` so the host's lines scrub them too. */
  secrets?: SecretRegistry;
  /** The host's clock (epoch ms): what it stamps, schedules and counts by. Default Date.now; tests move it. */
  now?: () => number;
  /** The host's own Login with Amazon application, for "Connect with Amazon" (absent: not offered). */
  oauth?: AmazonOAuthApp;
  /** A bearer token for `GET /metrics` besides the admin token (`SIGNAL_METRICS_TOKEN`). */
  metricsToken?: string;
  /** Where spans are exported over OTLP (from `OTEL_EXPORTER_OTLP_ENDPOINT`); none: no spans leave the host. */
  otlpTracesUrl?: string;
  /**
   * Where browsers reach the Management API (`SIGNAL_PUBLIC_URL`): the base of the Login with Amazon
   * `redirect_uri`. Default `http://localhost:<admin port>`.
   */
  publicUrl?: string;
  /**
   * Each port's connection cap and client timeouts (`SIGNAL_ADMIN_MAX_CONNECTIONS`,
   * `SIGNAL_INGEST_MAX_CONNECTIONS`, `SIGNAL_HEADERS_TIMEOUT_MS`, `SIGNAL_REQUEST_TIMEOUT_MS`); default
   * `DEFAULT_LIMITS`.
   */
  limits?: { admin?: Partial<ServerLimits>; ingest?: Partial<ServerLimits> };
  /** Extra admin routes (the web page is mounted here). */
  extraAdmin?: (router: Router) => void;
}

/**
 * The reference host: the smallest Signal that exercises every lifecycle hook of the plugin the way Signal
 * does. Management API, ingestion gateway, durable SQLite queue, delivery workers, Live Events, Delivery Log
 * and dead letters, in one process.
 */
export class SignalHost {
  private db!: Db;
  private closeStore!: () => void;
  private lock: DataDirLock | undefined;
  private deliveries!: DeliveriesRepo;
  private adminServer!: Server;
  private ingestServer!: Server;
  private worker!: DeliveryWorker | WorkerProcesses;
  private retention!: RawRetention;
  private clickTokens!: ClickTokenMemory;
  private destination!: Destination;
  private telemetry!: HostTelemetry;
  private readiness!: Readiness;
  private readonly live = new LiveHub();
  adminUrl = '';
  ingestUrl = '';

  constructor(private readonly options: SignalHostOptions) {}

  /** Takes the data directory (one host at a time, and no rotate-key beside it) until `stop`, and starts. */
  async start(): Promise<this> {
    this.lock = DataDirLock.take(this.options.dataDir, 'a host');
    try {
      return await this.startHolding();
    } catch (error) {
      this.lock.release();
      throw error;
    }
  }

  private async startHolding(): Promise<this> {
    const o = this.options;
    const now = o.now ?? (() => Date.now());
    const store = openHostStore(o.dataDir, o.secretKey);
    const { db, box, integrations, matchQuality, deliveries, deliveryLog } = store;
    const telemetry = (this.telemetry = new HostTelemetry({ otlpTracesUrl: o.otlpTracesUrl }));
    const destination = (this.destination = createDestination({
      hostSettings: o.amazon,
      delivery: o.delivery,
      logger: o.logger,
      secrets: o.secrets,
      meter: telemetry.pluginMeter,
      tracer: telemetry.pluginTracer,
    }));
    this.db = db;
    this.closeStore = () => store.close();
    this.deliveries = deliveries;
    // Secrets stored before they were encrypted are sealed now.
    if (integrations.plaintextSecrets() > 0) integrations.reseal(box);
    const redisUrl = o.clickTokens?.redisUrl;
    this.clickTokens = new ClickTokenMemory(
      redisUrl ? new RedisClickTokens(redisUrl, o.logger) : new SqliteClickTokens(db),
      o.clickTokens?.ttlMs ?? DEFAULT_CLICK_TOKEN_TTL_MS,
      now,
    );
    this.retention = new RawRetention(
      store.rawEvents,
      store.walScrub,
      matchQuality,
      o.rawRetentionMs ?? DEFAULT_RAW_RETENTION_MS,
      now,
      this.clickTokens,
    );
    const liveEvents = new LiveEvents(this.live, deliveries, () =>
      integrations.all().flatMap((row) => destination.personalDataPaths(integrations.installation(row))),
    );
    const intake = new Intake(
      destination,
      integrations,
      deliveries,
      liveEvents,
      this.retention,
      this.clickTokens,
      now,
      o.logger,
    );
    const settings: WorkerSettings = { ...DEFAULT_WORKER_SETTINGS, ...o.worker };
    const sinks: WorkerSinks = {
      rowsChanged: (rowIds) => liveEvents.changed(burst(rowIds)),
      logged: (entry) => this.live.publish('delivery', entry),
      eventsChanged: (eventIds) => this.retention.changed(eventIds),
      // A worker the storage failed keeps the host unready until it works again (in this process or its own).
      storage: (available) => this.readiness.workerStorage(available),
    };
    // Rows a run before this one left in flight (it crashed or was killed) go back on the queue first.
    deliveries.requeueInFlight(new Date(now()).toISOString());
    // With worker processes, they checkpoint the WAL (worker-process.ts): a commit here then only appends to it,
    // and checkpoints itself only past 64 MB, when no worker has for a while.
    if ((o.workerProcesses ?? 0) > 0) db.pragma('wal_autocheckpoint = 16384');
    this.worker =
      (o.workerProcesses ?? 0) > 0
        ? new WorkerProcesses(
            o.workerProcesses!,
            {
              dataDir: o.dataDir,
              secretKey: store.key.toString('hex'),
              amazon: o.amazon,
              delivery: o.delivery,
              worker: settings,
              rawRetentionMs: o.rawRetentionMs ?? DEFAULT_RAW_RETENTION_MS,
              logLevel: o.logLevel ?? 'warn',
              otlpTracesUrl: o.otlpTracesUrl,
            },
            deliveries,
            sinks,
            o.logger,
            (message) => telemetry.workers.add(message),
          )
        : new DeliveryWorker(
            destination,
            integrations,
            deliveries,
            deliveryLog,
            sinks,
            settings,
            now,
            o.logger,
          );

    const admin = adminRouter({
      token: o.adminToken,
      destination,
      integrations,
      deliveries,
      deliveryLog,
      matchQuality,
      connections: store.connections,
      oauth: o.oauth,
      oauthStates: new OAuthStates(now),
      live: this.live,
      liveEvents,
      now,
      publicUrl: () => this.publicUrl,
      ingestUrl: () => this.ingestUrl,
    });
    const readiness = (this.readiness = new Readiness(
      db,
      () => (this.worker instanceof WorkerProcesses ? this.worker.running() : true),
      now,
    ));
    const metrics = new HostMetrics(telemetry.hostMeter, {
      db,
      deliveries,
      now,
      workerRestarts: () => (this.worker instanceof WorkerProcesses ? this.worker.restarts : 0),
      storageWritable: () => readiness.storageWritable(),
    });
    const storageWarnings = new StorageWarnings(o.logger, now);
    metrics.storageFailed = (port) => {
      readiness.storageFailed();
      storageWarnings.refused(port);
    };
    mountProbes(admin, () => readiness.reasons());
    mountMetrics(admin, [o.adminToken, o.metricsToken ?? ''], async () => {
      // The worker processes send what they counted first, so a scrape holds every outcome stored before it.
      if (this.worker instanceof WorkerProcesses) await this.worker.collectMetrics();
      return telemetry.exposition();
    });
    mountWebPage(admin);
    o.extraAdmin?.(admin);
    this.adminServer = serve(
      metrics.counting('admin', admin.listener(1024 * 1024, o.logger)),
      limitsWith(DEFAULT_LIMITS.admin, o.limits?.admin),
      o.logger,
    );
    const ingest = ingestRouter(o.pipelineKey, intake, now, (events) => {
      metrics.accepted(events);
      readiness.storageWorked();
    });
    mountProbes(ingest, () => readiness.reasons());
    this.ingestServer = serve(
      metrics.counting('ingest', ingest.listener(INGEST_BODY_LIMIT, o.logger)),
      limitsWith(DEFAULT_LIMITS.ingest, o.limits?.ingest),
      o.logger,
    );
    const host = o.host ?? '127.0.0.1';
    this.adminUrl = await listen(this.adminServer, o.adminPort, host, 'SIGNAL_ADMIN_PORT');
    this.ingestUrl = await listen(this.ingestServer, o.ingestPort, host, 'SIGNAL_INGEST_PORT');
    if (this.worker instanceof WorkerProcesses) await this.worker.run();
    else this.worker.start();
    this.retention.start();
    return this;
  }

  /**
   * Where browsers reach the Management API and the page (`SIGNAL_PUBLIC_URL`, default
   * `http://localhost:<admin port>`): Connect with Amazon sends the browser back there.
   */
  get publicUrl(): string {
    return withoutTrailingSlash(this.options.publicUrl ?? `http://localhost:${portOf(this.adminUrl)}`);
  }

  /** Open Live Events streams and the bytes they hold unsent (each stream is dropped past 1 MB). */
  liveStreams(): { open: number; unsentBytes: number } {
    return this.live.streams();
  }

  /** The delivery worker processes by name and process id (none: delivery runs in this process). */
  workerPids(): Record<string, number | undefined> {
    return this.worker instanceof WorkerProcesses ? this.worker.pids() : {};
  }

  /** Deliveries per status and the Amazon eventIds delivered, for soak accounting. */
  accounting(): { events: number; deliveries: Record<string, number>; deliveredEventIds: string[] } {
    return {
      events: this.deliveries.eventCount(),
      deliveries: this.deliveries.counts(),
      deliveredEventIds: this.deliveries.deliveredEventIds(),
    };
  }

  /**
   * Stops in the order that loses nothing: ingestion stops accepting, the workers finish their in-flight
   * deliveries within `graceMs` (what is still out then goes back on the queue and is resent, with the same
   * Amazon eventId, at the next start), then the Management API and the database close.
   */
  async stop(graceMs = 8_000): Promise<void> {
    this.readiness.stop();
    await close(this.ingestServer);
    this.retention.stop();
    await this.worker.stop(graceMs);
    await this.destination.close();
    await this.clickTokens.close();
    this.live.close();
    await close(this.adminServer);
    await this.telemetry.shutdown();
    this.closeStore();
    this.lock?.release();
  }
}

const portOf = (url: string) => new URL(url).port;

function withoutTrailingSlash(url: string): string {
  let end = url.length;
  while (end > 0 && url[end - 1] === '/') end--;
  return url.slice(0, end);
}

/** Listens; a port taken says which setting chose it and how to pick another. */
function listen(server: Server, port: number, host: string, setting: string): Promise<string> {
  return new Promise((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) =>
      reject(
        error.code === 'EADDRINUSE'
          ? Object.assign(
              new Error(
                `Port ${port} on ${host} is already in use (${setting}): stop what listens there, or start with ${setting}=<another port> (0 picks a free one).`,
              ),
              { code: 'EADDRINUSE' },
            )
          : error,
      ),
    );
    server.listen(port, host, () => resolve(`http://${host}:${(server.address() as AddressInfo).port}`));
  });
}

function close(server: Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}
