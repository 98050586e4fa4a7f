import { isStorageUnavailable } from '../store/storage-errors.js';
import { errorKind } from '../error-kind.js';
import {
  errorMessage,
  type CountedOutcome,
  type Logger,
  type DeliveryCode,
  type Destination,
  type DeliveryReport,
  type OutcomeCode,
} from '../../plugin/index.js';
import { isApiTokenMode } from '../../plugin/install/api-token-installation.js';
import { QualityTally } from '../../plugin/quality/quality-tally.js';
import type { DeliveriesRepo, ClaimedRow, Settlement } from '../store/deliveries-repo.js';
import type { IntegrationsRepo } from '../store/integrations-repo.js';
import type { DeliveryLogRepo } from '../store/delivery-log-repo.js';
import { nextAttemptDelay, type RetryPolicy } from './retry-schedule.js';

/** Where the worker tells what it changed: Live Events (rows and Delivery Log entries) and raw retention. */
export interface WorkerSinks {
  /** Delivery rows changed (their status): Live Events shows them again. */
  rowsChanged(rowIds: readonly number[]): void;
  /** A Delivery Log entry was added. */
  logged(entry: unknown): void;
  /** Events whose deliveries changed: raw retention may drop their payloads. */
  eventsChanged(eventIds: readonly string[]): void;
  /** The storage failed this worker (`false`: delivery paused) or works for it again (`true`: resumed). */
  storage?(available: boolean): void;
}

/** Rejections that are about the installation, not the event: dead-lettered so they can be replayed after a fix. */
const REPLAYABLE_REJECTIONS: ReadonlySet<OutcomeCode> = new Set<DeliveryCode>([
  'AUTH_FAILED',
  'ACCESS_DENIED',
  'NOT_FOUND',
  'REQUEST_REJECTED',
]);

export interface WorkerSettings {
  pollMs: number;
  batchSize: number;
  /** deliver calls in flight at once per integration. */
  concurrency: number;
  retry: RetryPolicy;
}

/**
 * The delivery workers: polls the durable queue, hands due events to the plugin's `deliver` in batches, and
 * stores every outcome. `retry` outcomes are rescheduled (Signal's policy) and dead-lettered after the last
 * attempt; rows in flight when the process died go back on the queue at start, with the same Amazon eventId.
 */
export class DeliveryWorker {
  private timer: NodeJS.Timeout | undefined;
  private readonly inFlight = new Map<string, Set<Promise<void>>>();
  /** Set once stop() has handed back what was in flight: answers that come later are not stored. */
  private stopped = false;
  /** Asked to stop: no new claims (what is in flight may still finish within the grace). */
  private stopping = false;

  constructor(
    private readonly destination: Destination,
    private readonly integrations: IntegrationsRepo,
    private readonly deliveries: DeliveriesRepo,
    private readonly log: DeliveryLogRepo,
    private readonly sinks: WorkerSinks,
    private readonly settings: WorkerSettings,
    private readonly now: () => number,
    private readonly logger?: Logger,
    /** Who claims the rows (one name per worker process): what it leaves in flight goes back by that name. */
    readonly name = 'host',
    /**
     * Whether this worker may claim now: a worker process whose host is gone claims nothing, even before it has
     * heard so over its channel.
     */
    private readonly mayClaim: () => boolean = () => true,
  ) {}

  /** Outcomes that could not be stored (the storage was unavailable): stored first when it works again. */
  private readonly unsettled: Array<{ settlements: Settlement[]; rows: ClaimedRow[] }> = [];
  /** No new work before this time: the storage failed, and the wait doubles while it keeps failing. */
  private pausedUntil = 0;
  private pauseMs = 0;
  /** The storage failed this worker and no tick has worked since. */
  private storagePaused = false;

  /** Polls the queue. (Rows left in flight by an earlier run go back on the queue at the host's start.) */
  start(): void {
    this.timer = setInterval(() => this.tick(), this.settings.pollMs);
  }

  /**
   * Stops polling and waits up to `graceMs` for the deliver calls in flight. What is still out then is handed
   * back: its rows go back on the queue, and the late answer is not stored.
   */
  async stop(graceMs = Number.POSITIVE_INFINITY): Promise<void> {
    clearInterval(this.timer);
    this.stopping = true; // before the wait: a deliver call ending in it must not claim more
    const running = Promise.all([...this.inFlight.values()].flatMap((s) => [...s]));
    let timer: NodeJS.Timeout | undefined;
    const outOfTime = new Promise<'late'>((resolve) => {
      if (Number.isFinite(graceMs)) timer = setTimeout(() => resolve('late'), graceMs);
    });
    const finished = await Promise.race([running.then(() => 'done' as const), outOfTime]);
    clearTimeout(timer);
    this.stopped = true;
    if (finished === 'late') this.deliveries.requeueInFlight(this.iso(), this.name);
  }

  /**
   * Starts a deliver call for every integration with due events and a free slot; first stores what could not
   * be stored before. A storage failure pauses the worker (0.5 s, doubling up to 30 s) instead of stopping it.
   */
  tick(): void {
    if (this.stopping || this.now() < this.pausedUntil || !this.mayClaim()) return;
    try {
      while (this.unsettled.length > 0) {
        const { settlements, rows } = this.unsettled[0]!;
        this.settle(settlements, rows);
        this.unsettled.shift();
      }
      for (const id of this.deliveries.dueIntegrations(this.now())) {
        const running = this.inFlight.get(id) ?? new Set<Promise<void>>();
        this.inFlight.set(id, running);
        if (running.size >= this.settings.concurrency) continue;
        const job = this.runOnce(id)
          .catch((error: unknown) => this.failed(error))
          .finally(() => {
            running.delete(job);
            // A slot is free: look for more work now rather than at the next poll.
            if (!this.stopping) setImmediate(() => this.tick());
          });
        running.add(job);
      }
      this.pauseMs = 0;
      if (this.storagePaused) this.storageAgain();
    } catch (error) {
      this.failed(error);
    }
  }

  /** The first tick that worked after a storage pause: said once, in the log and to the host. */
  private storageAgain(): void {
    this.storagePaused = false;
    this.logger?.warn('storage available again: delivery resumed', { event: 'delivery_resumed' });
    this.sinks.storage?.(true);
  }

  /** Something failed outside deliver (whose failures are outcomes): log it and pause the worker. */
  private failed(error: unknown): void {
    const storage = isStorageUnavailable(error);
    if (storage) {
      if (!this.storagePaused) {
        this.logger?.warn('storage unavailable: delivery paused until a write works again', {
          event: 'delivery_paused',
          error: errorMessage(error),
        });
      }
      this.storagePaused = true;
      this.sinks.storage?.(false);
    }
    this.logger?.warn(storage ? 'storage unavailable: delivery paused' : 'delivery worker error', {
      event: 'worker_error',
      error: errorMessage(error),
    });
    this.pauseMs = Math.min(30_000, this.pauseMs === 0 ? 500 : this.pauseMs * 2);
    this.pausedUntil = this.now() + this.pauseMs;
  }

  private async runOnce(integrationId: string): Promise<void> {
    const rows = this.deliveries.claim(
      integrationId,
      this.now(),
      this.settings.batchSize,
      this.iso(),
      this.name,
    );
    if (rows.length === 0) return;
    const integration = this.integrations.get(integrationId);
    if (!integration || !integration.enabled) {
      const reason = integration ? 'integration disabled' : 'integration deleted';
      this.store(
        rows.map((r) => ({
          id: r.id,
          status: 'filtered',
          attempts: r.attempts,
          nextAttemptAt: 0,
          code: 'INTEGRATION_DISABLED',
          message: reason,
        })),
        rows,
      );
      return;
    }
    let report: DeliveryReport;
    const installation = this.integrations.installation(integration);
    try {
      report = await this.destination.deliver(
        rows.map((r) => ({
          id: String(r.id),
          json: r.amazon_event!,
          eventId: r.event_id_amazon ?? undefined,
        })),
        installation,
      );
    } catch (error) {
      const message = errorMessage(error);
      report = {
        outcomes: rows.map((r) => ({
          id: String(r.id),
          status: 'retry',
          code: 'HOST_ERROR',
          message,
          retryAfterMs: 0,
        })),
        requests: [],
        needsReconnect: false,
      };
    }
    if (this.stopped) return;
    const byId = new Map(rows.map((r) => [String(r.id), r]));
    this.store(
      report.outcomes.map((o) => this.settlement(byId.get(o.id)!, o)),
      rows,
    );
    if (report.needsReconnect) {
      if (integration.needs_reconnect !== 1) {
        // The code only: the message Login with Amazon gave stays in the Delivery Log; no token is ever logged.
        this.logger?.warn('Amazon refused the credentials: the integration needs a reconnect', {
          event: 'needs_reconnect',
          integrationId,
          code: report.outcomes.find((o) => o.status === 'retry')?.code ?? 'AUTH_FAILED',
        });
      }
      this.integrations.setNeedsReconnect(integrationId, true);
    }
    // An accepted batch confirms the advertiser only where the advertiser id was sent: never with an API token.
    const confirms = installation.verification === 'unverified' && !isApiTokenMode(installation.config);
    if (confirms && report.outcomes.some((o) => o.status === 'delivered'))
      this.integrations.markVerified(integrationId, installation.advertiser.accountId);
    for (const entry of this.log.add(integrationId, report.requests))
      this.tell(() => this.sinks.logged(entry));
  }

  private settlement(row: ClaimedRow, o: DeliveryReport['outcomes'][number]): Settlement {
    const attempts = row.attempts + 1;
    if (o.status === 'delivered') return { id: row.id, status: 'delivered', attempts, nextAttemptAt: 0 };
    if (o.status === 'rejected') {
      const message = o.fieldLocation ? `${o.message} (${o.fieldLocation})` : o.message;
      return {
        id: row.id,
        status: REPLAYABLE_REJECTIONS.has(o.code) ? 'dead' : 'rejected',
        attempts,
        nextAttemptAt: 0,
        code: o.code,
        message,
      };
    }
    if (attempts >= this.settings.retry.maxAttempts) {
      return {
        id: row.id,
        status: 'dead',
        attempts,
        nextAttemptAt: 0,
        code: o.code,
        message: `${o.message} (gave up after ${attempts} attempts)`,
      };
    }
    return {
      id: row.id,
      status: 'queued',
      attempts,
      nextAttemptAt: this.now() + nextAttemptDelay(this.settings.retry, attempts, o.retryAfterMs),
      code: o.code,
      message: o.message,
    };
  }

  /** `settle`, or, when the storage fails, the outcomes kept to be stored first when it works again. */
  private store(settlements: Settlement[], rows: ClaimedRow[]): void {
    try {
      this.settle(settlements, rows);
    } catch (error) {
      this.unsettled.push({ settlements, rows });
      throw error;
    }
  }

  /**
   * Stores the outcomes of `rows` (the rows claimed, all of one integration) with the match quality counters
   * of the final ones, then tells Live Events and the raw-event retention.
   */
  private settle(settlements: Settlement[], rows: readonly ClaimedRow[]): void {
    this.deliveries.settle(settlements, this.iso(), finalOutcomes(settlements, rows));
    // Stored: a failure to tell must not make the outcomes look unstored (they would be stored, and counted,
    // twice).
    this.tell(() => this.sinks.rowsChanged(settlements.map((s) => s.id)));
    this.tell(() => this.sinks.eventsChanged(rows.map((r) => r.event_id)));
  }

  /** Tells a sink; what it throws is logged and the worker goes on. */
  private tell(call: () => void): void {
    try {
      call();
    } catch (error) {
      this.logger?.warn('delivery worker: a view could not be told', {
        event: 'worker_sink_error',
        error: errorKind(error),
      });
    }
  }

  private iso(): string {
    return new Date(this.now()).toISOString();
  }
}

const COUNTED: ReadonlySet<string> = new Set<CountedOutcome>(['delivered', 'rejected', 'dead', 'filtered']);

/** The match quality counters of the outcomes that are final (a retry is counted when it ends). */
function finalOutcomes(
  settlements: readonly Settlement[],
  rows: readonly ClaimedRow[],
): Map<string, QualityTally> {
  const tally = new QualityTally();
  const byId = new Map(rows.map((r) => [r.id, r]));
  for (const s of settlements)
    if (COUNTED.has(s.status))
      tally.addOutcome(byId.get(s.id)?.event_name ?? '', s.status as CountedOutcome, s.code);
  return rows.length > 0 ? new Map([[rows[0]!.integration_id, tally]]) : new Map();
}
