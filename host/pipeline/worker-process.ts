/**
 * One delivery worker in a process of its own (`SIGNAL_WORKERS=N`): forked by `WorkerProcesses`, it opens the
 * host's database (WAL: several processes read and write it; a claim is one statement), makes its own plugin
 * (sharing tokens and pace through Redis when the host has it), and runs a `DeliveryWorker` under its own name.
 * What Live Events must show it sends to the host over IPC; raw retention it applies itself.
 */
import 'reflect-metadata';
import {
  createDestination,
  createLogger,
  errorMessage,
  SecretRegistry,
  type DeliverySettings,
  type HostSettings,
} from '../../plugin/index.js';
import { openHostStore } from '../store/host-store.js';
import { DeliveryWorker, type WorkerSettings } from './delivery-worker.js';
import { RawRetention } from './raw-retention.js';
import { HostTelemetry } from '../telemetry/host-telemetry.js';
import type { WorkerMetricsMessage } from '../telemetry/worker-metrics.js';

/** How often a worker sends the host what its figures changed by. */
const METRICS_EVERY_MS = 1_000;
const CHECKPOINT_EVERY_MS = 250;
const ALIVE_EVERY_MS = 1_000;

/**
 * Copies the committed WAL into the database without waiting on anyone (`PASSIVE`): a failure (the storage,
 * or the database closing) is left to the next tick and to the host's own fallback checkpoint.
 */
function checkpoint(db: { pragma(sql: string): unknown }): void {
  try {
    db.pragma('wal_checkpoint(PASSIVE)');
  } catch {
    // the next tick tries again
  }
}

/** What the host sends a worker process first. */
export interface WorkerProcessStart {
  type: 'start';
  name: string;
  /**
   * The name its claims carry: its name and process id, so a worker of an earlier host run, still alive, never
   * shares it with one of this run (each puts back only the rows it claimed itself).
   */
  claimAs: string;
  dataDir: string;
  /** The key secrets are sealed with, hex (sent over IPC, never on the command line or in the environment). */
  secretKey: string;
  amazon: HostSettings;
  delivery?: Partial<DeliverySettings>;
  worker: WorkerSettings;
  rawRetentionMs: number;
  logLevel: string;
  /** Where spans go over OTLP, as the host's. */
  otlpTracesUrl?: string;
}

/** What a worker process tells the host. */
export type WorkerProcessMessage =
  | { type: 'ready' }
  /** Sent every second: a worker whose event loop stops (hung, or stopped by a signal) falls silent. */
  | { type: 'alive' }
  | { type: 'rows'; rowIds: number[] }
  | { type: 'logged'; entry: unknown }
  | { type: 'storage'; available: boolean }
  /** Its answer to `collect`, sent after the figures it had counted. */
  | { type: 'collected'; id: number }
  | WorkerMetricsMessage;

/**
 * Tells the host, if it is still there. Once its channel has closed (the host died) nothing is sent and nothing
 * is thrown: a send to a closed channel without a callback ends the process unhandled, with its rows in flight.
 */
function send(message: WorkerProcessMessage): void {
  if (process.connected) process.send?.(message, undefined, undefined, () => undefined);
}

async function run(start: WorkerProcessStart): Promise<void> {
  const hostPid = process.ppid;
  const secrets = new SecretRegistry();
  const logger = createLogger({ level: start.logLevel, secrets });
  const store = openHostStore(start.dataDir, Buffer.from(start.secretKey, 'hex'));
  const { integrations, matchQuality, deliveries, deliveryLog } = store;
  const telemetry = new HostTelemetry({ deltas: true, otlpTracesUrl: start.otlpTracesUrl });
  const destination = createDestination({
    hostSettings: start.amazon,
    delivery: start.delivery,
    logger,
    secrets,
    meter: telemetry.pluginMeter,
    tracer: telemetry.pluginTracer,
  });
  const sendMetrics = async () => {
    const message = await telemetry.changes();
    if (!message.scopes.some((s) => s.metrics.length > 0)) return;
    await new Promise<void>((resolve) =>
      process.connected && process.send ? process.send(message, () => resolve()) : resolve(),
    );
  };
  const metricsTimer = setInterval(() => void sendMetrics().catch(() => undefined), METRICS_EVERY_MS);
  const aliveTimer = setInterval(() => send({ type: 'alive' }), ALIVE_EVERY_MS);
  // The WAL's checkpoints run here, off the thread that answers ingestion (see signal-host.ts).
  const checkpointTimer = setInterval(() => checkpoint(store.db), CHECKPOINT_EVERY_MS);
  const retention = new RawRetention(
    store.rawEvents,
    store.walScrub,
    matchQuality,
    start.rawRetentionMs,
    Date.now,
  );
  const worker = new DeliveryWorker(
    destination,
    integrations,
    deliveries,
    deliveryLog,
    {
      rowsChanged: (rowIds) => send({ type: 'rows', rowIds: [...rowIds] }),
      logged: (entry) => send({ type: 'logged', entry }),
      eventsChanged: (eventIds) => retention.changed(eventIds),
      storage: (available) => send({ type: 'storage', available }),
    },
    start.worker,
    Date.now,
    logger,
    start.claimAs,
    // Its parent changes the moment its host dies (a stopped worker resumed after that runs its timers before
    // it reads that its channel closed): from then on it takes nothing off the queue.
    () => process.ppid === hostPid,
  );
  process.on('message', (message: { type?: string; graceMs?: number; id?: number }) => {
    // The host is answering a scrape: its figures first, then the answer (IPC keeps their order).
    if (message.type === 'collect') {
      void sendMetrics()
        .catch(() => undefined)
        .then(() => send({ type: 'collected', id: message.id ?? 0 }));
      return;
    }
    if (message.type !== 'stop') return;
    void (async () => {
      await worker.stop(message.graceMs);
      clearInterval(metricsTimer);
      clearInterval(checkpointTimer);
      clearInterval(aliveTimer);
      await sendMetrics().catch(() => undefined);
      await telemetry.shutdown();
      await destination.close();
      store.close();
      process.exit(0);
    })();
  });
  // The host going away (its IPC channel closes: it stopped, or was killed) stops this worker at once: no more
  // claims, and what is in flight goes back on the queue under this worker's claim name.
  process.on('disconnect', () => {
    for (const timer of [metricsTimer, aliveTimer, checkpointTimer]) clearInterval(timer);
    void worker.stop(0).finally(() => process.exit(0));
  });
  worker.start();
  send({ type: 'ready' });
}

process.once('message', (message: WorkerProcessStart) => {
  run(message).catch((error: unknown) => {
    process.stderr.write(`delivery worker ${message.name} could not start: ${errorMessage(error)}\n`);
    process.exit(1);
  });
});
