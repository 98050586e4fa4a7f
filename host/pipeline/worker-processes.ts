import { fork, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import type { Logger } from '../../plugin/index.js';
import { errorKind } from '../error-kind.js';
import { PACKAGE_ROOT } from '../../plugin/project-files.js';
import type { DeliveriesRepo } from '../store/deliveries-repo.js';
import type { WorkerSinks } from './delivery-worker.js';
import type { WorkerProcessMessage, WorkerProcessStart } from './worker-process.js';
import type { WorkerMetricsMessage } from '../telemetry/worker-metrics.js';

/** How long after a worker process died another one takes its place. */
const RESTART_MS = 1_000;
/**
 * A worker silent this long (no message, not even the one it sends every second) is killed and replaced: its
 * event loop has stopped, and it may hold the database's write lock, which stops ingestion too.
 */
export const SILENT_WORKER_MS = 10_000;
/** How long after its grace a stopping worker that has not exited is killed. */
const STOP_KILL_AFTER_GRACE_MS = 1_000;
/** How long after the workers start the rows still claimed by a worker of an earlier run are put back. */
const ORPHAN_SWEEP_MS = SILENT_WORKER_MS;
/** How long a scrape waits for a worker's figures before it answers without that worker's newest second. */
const COLLECT_WAIT_MS = 1_000;

/**
 * `SIGNAL_WORKERS=N`: N delivery worker processes (worker-process.ts) over the host's SQLite queue, named
 * `worker-1` … `worker-N`. Their Live Events news reaches the host's sinks over IPC. A worker that dies has the
 * rows it held in flight put back on the queue (same Amazon eventId) and is started again.
 */
export class WorkerProcesses {
  private readonly children = new Map<string, ChildProcess>();
  private stopping = false;
  /** Workers started again after they died. */
  restarts = 0;
  /** Scrapes waiting for a worker's figures, by request number. */
  private readonly collecting = new Map<number, () => void>();
  private collects = 0;
  /** When each worker last said anything. */
  private readonly heard = new Map<ChildProcess, number>();
  private watchdog: NodeJS.Timeout | undefined;
  /** The request each worker is answering now: scrapes at once share it. */
  private readonly collectingFrom = new Map<ChildProcess, Promise<void>>();
  /** The name each worker's claims carry (`worker-1/<pid>`). */
  private readonly claimNames = new Map<ChildProcess, string>();
  private orphanSweep: NodeJS.Timeout | undefined;

  constructor(
    private readonly count: number,
    private readonly start: Omit<WorkerProcessStart, 'type' | 'name' | 'claimAs'>,
    private readonly deliveries: DeliveriesRepo,
    private readonly sinks: WorkerSinks,
    private readonly logger?: Logger,
    /** The plugin's figures a worker sends (its counts since its last message). */
    private readonly metrics?: (message: WorkerMetricsMessage) => void,
  ) {}

  /** True when every worker process is alive (false while one that died waits to be started again). */
  running(): boolean {
    return (
      this.children.size === this.count &&
      [...this.children.values()].every((child) => child.exitCode === null && child.signalCode === null)
    );
  }

  /** Starts every worker; resolves when all are polling the queue. */
  async run(): Promise<void> {
    await Promise.all(Array.from({ length: this.count }, (_, i) => this.spawn(`worker-${i + 1}`)));
    this.watchdog = setInterval(() => this.killSilent(), 1_000);
    this.watchdog.unref();
    this.orphanSweep = setTimeout(() => this.requeueOrphaned(), ORPHAN_SWEEP_MS);
    this.orphanSweep.unref();
  }

  /**
   * Rows a worker of an earlier run left in flight after this run's start put them back: one that outlived its
   * killed host a moment and claimed more. Such a worker stops as soon as it hears its host is gone; by now it
   * has, and its rows go back on the queue (its own stop puts them back too, unless it was killed).
   */
  private requeueOrphaned(): void {
    try {
      const requeued = this.deliveries.requeueOrphaned(new Date().toISOString(), [
        ...this.claimNames.values(),
      ]);
      if (requeued > 0)
        this.logger?.warn('rows claimed by a worker of an earlier run are back on the queue', {
          event: 'orphaned_claims_requeued',
          requeued,
        });
    } catch (error) {
      this.logger?.warn('rows of an earlier run could not be put back: the next start does it', {
        event: 'orphaned_claims_failed',
        error: errorKind(error),
      });
    }
  }

  /** Kills each live worker silent past `SILENT_WORKER_MS`; its exit requeues its rows and starts another. */
  private killSilent(): void {
    const now = Date.now();
    for (const [name, child] of this.children) {
      if (child.exitCode !== null || child.signalCode !== null) continue;
      const silentMs = now - (this.heard.get(child) ?? now);
      if (silentMs <= SILENT_WORKER_MS) continue;
      this.logger?.warn('delivery worker process silent: killed, and started again', {
        event: 'worker_silent',
        worker: name,
        silentMs,
      });
      this.heard.set(child, now); // one kill; the exit handler does the rest
      child.kill('SIGKILL');
    }
  }

  /** The process ids of the workers, by name (for tests and operators). */
  pids(): Record<string, number | undefined> {
    return Object.fromEntries([...this.children].map(([name, child]) => [name, child.pid]));
  }

  /**
   * Asks every live worker for what it counted since it last sent its figures, and resolves once each has
   * answered (its figures are then taken), has died, or `COLLECT_WAIT_MS` has passed.
   */
  async collectMetrics(): Promise<void> {
    await Promise.all(
      [...this.children.values()].map((child) => {
        if (child.exitCode !== null || child.signalCode !== null || !child.connected) return undefined;
        const pending = this.collectingFrom.get(child);
        if (pending) return pending;
        const id = ++this.collects;
        const asked = new Promise<void>((resolve) => {
          const done = (): void => {
            clearTimeout(timer);
            child.off('exit', done);
            this.collecting.delete(id);
            resolve();
          };
          const timer = setTimeout(done, COLLECT_WAIT_MS);
          child.once('exit', done);
          this.collecting.set(id, done);
          child.send({ type: 'collect', id }, (error) => error && done());
        }).finally(() => this.collectingFrom.delete(child));
        this.collectingFrom.set(child, asked);
        return asked;
      }),
    );
  }

  /**
   * Asks every worker to stop within `graceMs` (what is still in flight then goes back on the queue). One that
   * has not exited a second after the grace (hung, or stopped by a signal) is killed, and its rows put back
   * here: the host's own stop deadline must not find it alive, holding the database open.
   */
  async stop(graceMs: number): Promise<void> {
    this.stopping = true;
    clearInterval(this.watchdog);
    clearTimeout(this.orphanSweep);
    await Promise.all(
      [...this.children.values()].map(
        (child) =>
          new Promise<void>((resolve) => {
            if (child.exitCode !== null || child.signalCode !== null) return resolve();
            let killed = false;
            const kill = setTimeout(() => {
              killed = true;
              child.kill('SIGKILL');
            }, graceMs + STOP_KILL_AFTER_GRACE_MS);
            child.once('exit', () => {
              clearTimeout(kill);
              const claimAs = this.claimNames.get(child);
              if (killed && claimAs) this.deliveries.requeueInFlight(new Date().toISOString(), claimAs);
              resolve();
            });
            child.send({ type: 'stop', graceMs });
          }),
      ),
    );
  }

  private spawn(name: string): Promise<void> {
    const child = fork(join(PACKAGE_ROOT, 'dist/host/pipeline/worker-process.js'), [], {
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      env: workerEnvironment(process.env),
    });
    this.children.set(name, child);
    this.heard.set(child, Date.now());
    const claimAs = `${name}/${child.pid}`;
    this.claimNames.set(child, claimAs);
    // What a worker tells is shown, never allowed to take the host down: a failure is logged by its kind.
    child.on('message', (message: WorkerProcessMessage) => {
      this.heard.set(child, Date.now());
      try {
        if (message.type === 'rows') this.sinks.rowsChanged(message.rowIds);
        else if (message.type === 'logged') this.sinks.logged(message.entry);
        else if (message.type === 'metrics') this.metrics?.(message);
        else if (message.type === 'storage') this.sinks.storage?.(message.available);
        else if (message.type === 'collected') this.collecting.get(message.id)?.();
      } catch (error) {
        this.logger?.warn('delivery worker process: a message could not be taken', {
          event: 'worker_sink_error',
          worker: name,
          error: errorKind(error),
        });
      }
    });
    // A message to a worker that has just died: its exit handler requeues and restarts it.
    child.on('error', (error) =>
      this.logger?.warn('delivery worker process: IPC failed', {
        event: 'worker_ipc_error',
        worker: name,
        error: errorKind(error),
      }),
    );
    child.once('exit', (code, signal) => {
      this.heard.delete(child);
      if (this.stopping) return;
      this.claimNames.delete(child);
      const requeued = this.deliveries.requeueInFlight(new Date().toISOString(), claimAs);
      this.logger?.warn('delivery worker process ended: its in-flight events are back on the queue', {
        event: 'worker_exited',
        worker: name,
        code,
        signal,
        requeued,
      });
      setTimeout(() => {
        if (this.stopping) return;
        this.restarts++;
        void this.spawn(name).catch(() => undefined);
      }, RESTART_MS).unref();
    });
    child.send({ type: 'start', name, claimAs, ...this.start } satisfies WorkerProcessStart);
    return new Promise((resolve, reject) => {
      child.once('message', (message: WorkerProcessMessage) =>
        message.type === 'ready' ? resolve() : reject(new Error(`${name} did not start`)),
      );
      child.once('exit', (code) => reject(new Error(`delivery worker ${name} exited with ${code}`)));
    });
  }
}

/**
 * The environment a worker process starts with: the host's, without its settings and secrets (`SIGNAL_*`,
 * `AMAZON_*`). A worker takes everything of those it needs from its start message, so its `/proc/<pid>/environ`
 * holds no admin token, pipeline key or client secret. (`OTEL_*` stays: the trace exporter reads its headers.)
 */
export function workerEnvironment(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(env).filter(([name]) => !/^(?:SIGNAL|AMAZON)_/.test(name)));
}
