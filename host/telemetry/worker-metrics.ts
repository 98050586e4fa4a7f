import type { Attributes } from '@opentelemetry/api';
import {
  AggregationTemporality,
  DataPointType,
  MetricReader,
  type DataPoint,
  type Histogram,
  type MetricData,
  type ResourceMetrics,
  type ScopeMetrics,
} from '@opentelemetry/sdk-metrics';

/**
 * `SIGNAL_WORKERS>1`: the plugin counts in each delivery worker process. A worker reads its figures as deltas
 * (`DeltaReader`) and sends them over its IPC channel every second and once more when it stops; the host adds
 * them up here (`WorkerTotals`) and merges the totals into what its own SDK collects, series by series, so
 * `/metrics` shows one figure for the whole host. A worker killed outright loses at most its last second.
 */

/** What a worker sends: the counters' and histograms' changes since its last message. */
export interface WorkerMetricsMessage {
  type: 'metrics';
  scopes: ScopeMetrics[];
}

/** A reader of deltas: each `collect` answers what changed since the one before. */
export class DeltaReader extends MetricReader {
  constructor() {
    super({ aggregationTemporalitySelector: () => AggregationTemporality.DELTA });
  }
  protected async onForceFlush(): Promise<void> {}
  protected async onShutdown(): Promise<void> {}
}

/** Sums and histograms only: gauges say "now" and cannot be added up across processes. */
function additive(metric: MetricData): boolean {
  return metric.dataPointType === DataPointType.SUM || metric.dataPointType === DataPointType.HISTOGRAM;
}

function keyOf(attributes: Attributes): string {
  return JSON.stringify(
    Object.keys(attributes)
      .sort()
      .map((k) => [k, attributes[k]]),
  );
}

type Value = number | Histogram;

function addValues(a: Value, b: Value): Value {
  if (typeof a === 'number' && typeof b === 'number') return a + b;
  const x = a as Histogram;
  const y = b as Histogram;
  const same =
    x.buckets.boundaries.length === y.buckets.boundaries.length &&
    x.buckets.boundaries.every((v, i) => v === y.buckets.boundaries[i]);
  if (!same) return x; // a different bucket layout cannot be added up; never happens for one plugin version
  return {
    buckets: {
      boundaries: x.buckets.boundaries,
      counts: x.buckets.counts.map((c, i) => c + (y.buckets.counts[i] ?? 0)),
    },
    count: x.count + y.count,
    sum: (x.sum ?? 0) + (y.sum ?? 0),
    ...(x.min !== undefined || y.min !== undefined
      ? { min: Math.min(x.min ?? Infinity, y.min ?? Infinity) }
      : {}),
    ...(x.max !== undefined || y.max !== undefined
      ? { max: Math.max(x.max ?? -Infinity, y.max ?? -Infinity) }
      : {}),
  };
}

interface Total {
  scope: ScopeMetrics['scope'];
  metric: Omit<MetricData, 'dataPoints'>;
  points: Map<string, DataPoint<Value>>;
}

/** The worker processes' figures since the host started, by metric name and label set. */
export class WorkerTotals {
  private readonly totals = new Map<string, Total>();

  /** Adds a worker's message (anything else it may carry is ignored). */
  add(message: WorkerMetricsMessage): void {
    if (!Array.isArray(message.scopes)) return;
    for (const scope of message.scopes) {
      for (const metric of scope.metrics ?? []) {
        if (!additive(metric)) continue;
        const { dataPoints, ...rest } = metric;
        let total = this.totals.get(metric.descriptor.name);
        if (!total) {
          total = {
            scope: scope.scope,
            metric: { ...rest, aggregationTemporality: AggregationTemporality.CUMULATIVE } as Omit<
              MetricData,
              'dataPoints'
            >,
            points: new Map(),
          };
          this.totals.set(metric.descriptor.name, total);
        }
        for (const point of dataPoints as Array<DataPoint<Value>>) {
          const key = keyOf(point.attributes);
          const known = total.points.get(key);
          total.points.set(
            key,
            known
              ? { ...known, endTime: point.endTime, value: addValues(known.value, point.value) }
              : { ...point },
          );
        }
      }
    }
  }

  /** `collected` (the host's own figures) with the workers' totals added, as new objects. */
  mergeInto(collected: ResourceMetrics): ResourceMetrics {
    if (this.totals.size === 0) return collected;
    const pending = new Map(this.totals);
    const scopeMetrics = collected.scopeMetrics.map((scope) => ({
      ...scope,
      metrics: scope.metrics.map((metric) => {
        const total = pending.get(metric.descriptor.name);
        if (!total || !additive(metric)) return metric;
        pending.delete(metric.descriptor.name);
        const points = new Map<string, DataPoint<Value>>();
        for (const p of metric.dataPoints as Array<DataPoint<Value>>) points.set(keyOf(p.attributes), p);
        for (const [key, p] of total.points) {
          const own = points.get(key);
          points.set(key, own ? { ...own, value: addValues(own.value, p.value) } : p);
        }
        return { ...metric, dataPoints: [...points.values()] } as MetricData;
      }),
    }));
    // Figures only the workers have (this process never sent a request, say) come in their own scope.
    for (const total of pending.values()) {
      let scope = scopeMetrics.find((s) => s.scope.name === total.scope.name);
      if (!scope) {
        scope = { scope: total.scope, metrics: [] };
        scopeMetrics.push(scope);
      }
      scope.metrics = [
        ...scope.metrics,
        { ...total.metric, dataPoints: [...total.points.values()] } as MetricData,
      ];
    }
    return { ...collected, scopeMetrics };
  }
}
