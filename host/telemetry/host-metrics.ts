import type { IncomingMessage, ServerResponse } from 'node:http';
import { ValueType, type Counter, type Meter } from '@opentelemetry/api';
import type { Db } from '../store/database.js';
import type { DeliveriesRepo } from '../store/deliveries-repo.js';
import { oldestDueAgeSeconds } from './queue-figures.js';
import { PROBE_PATHS } from '../http/probe-routes.js';

/** Where the host's figures come from: the store (every worker process's work is in it) and the host. */
export interface HostFigureSources {
  db: Db;
  deliveries: DeliveriesRepo;
  now: () => number;
  /** Worker processes started again after they died. */
  workerRestarts: () => number;
  /** Whether the store takes writes now, as /readyz says (1 or 0). */
  storageWritable?: () => boolean;
}

type Listener = (req: IncomingMessage, res: ServerResponse) => void;

/** A store that fails (or is closed while the host stops) gives no figure this scrape rather than an error. */
function safely<T>(read: () => T): T | undefined {
  try {
    return read();
  } catch {
    return undefined;
  }
}

/**
 * The host's own figures beside the plugin's (docs/operations.md): ingestion, the queue by status, its oldest due
 * delivery, dead letters, worker restarts and storage failures. Labels are statuses and port names only.
 */
export class HostMetrics {
  private readonly acceptedEvents: Counter;
  private readonly refused: Counter;
  private readonly storageUnavailable: Counter;

  /** Told of each storage failure answered (readiness turns 503 for a while). */
  storageFailed?: (port: 'ingest' | 'admin') => void;

  constructor(meter: Meter, sources: HostFigureSources) {
    this.acceptedEvents = meter.createCounter('signal.ingest.events.accepted', {
      description: 'Events stored by ingestion',
      valueType: ValueType.INT,
    });
    this.refused = meter.createCounter('signal.ingest.requests.refused', {
      description: 'Ingestion requests refused, by HTTP status (nothing of them was stored)',
      valueType: ValueType.INT,
    });
    this.storageUnavailable = meter.createCounter('signal.storage.unavailable', {
      description: 'Requests answered 503 because the storage could not take writes, by port',
      valueType: ValueType.INT,
    });
    for (const port of ['ingest', 'admin']) this.storageUnavailable.add(0, { port }); // there before a first 503
    const deliveries = meter.createObservableGauge('signal.deliveries', {
      description: 'Delivery rows by status, from the store (every worker process included)',
      valueType: ValueType.INT,
    });
    const deadLetters = meter.createObservableGauge('signal.dead_letters', {
      description: 'Dead letters waiting for a replay',
      valueType: ValueType.INT,
    });
    const oldestDue = meter.createObservableGauge('signal.queue.oldest_due_age.seconds', {
      description: 'Age of the oldest delivery that is due and not yet sent',
      unit: 's',
    });
    const restarts = meter.createObservableCounter('signal.worker.restarts', {
      description: 'Delivery worker processes started again after they died',
      valueType: ValueType.INT,
    });
    const writable = meter.createObservableGauge('signal.storage.writable', {
      description:
        'Whether the store takes writes now, as /readyz says (0 from a failure to the next write that works)',
      valueType: ValueType.INT,
    });
    meter.addBatchObservableCallback(
      (result) => {
        const counts = safely(() => sources.deliveries.counts());
        if (counts) {
          for (const status of [
            'queued',
            'in_flight',
            'delivered',
            'rejected',
            'filtered',
            'invalid',
            'dead',
          ])
            result.observe(deliveries, counts[status] ?? 0, { status });
          result.observe(deadLetters, counts.dead ?? 0);
        }
        const age = safely(() => oldestDueAgeSeconds(sources.db, sources.now()));
        if (age !== undefined) result.observe(oldestDue, age);
        result.observe(restarts, sources.workerRestarts());
        const storage = sources.storageWritable && safely(sources.storageWritable);
        if (storage !== undefined) result.observe(writable, storage ? 1 : 0);
      },
      [deliveries, deadLetters, oldestDue, restarts, writable],
    );
  }

  /** Events ingestion stored. */
  accepted(events: number): void {
    this.acceptedEvents.add(events);
  }

  /** `listener`, counting its answers on the way out: refusals at ingestion, storage failures on both ports. */
  counting(port: 'ingest' | 'admin', listener: Listener): Listener {
    return (req, res) => {
      res.once('finish', () => {
        const status = res.statusCode;
        if (status < 400 || PROBE_PATHS.has((req.url ?? '').split('?')[0]!)) return;
        // The storage answer is the one 503 with Retry-After (http-kit); Amazon being down at install has none.
        if (status === 503 && res.hasHeader('retry-after')) {
          this.storageUnavailable.add(1, { port });
          this.storageFailed?.(port);
        }
        if (port === 'ingest') this.refused.add(1, { status: String(status) });
      });
      listener(req, res);
    };
  }
}
