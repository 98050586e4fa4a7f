import type { Meter, Tracer } from '@opentelemetry/api';
import { MeterProvider } from '@opentelemetry/sdk-metrics';
import { PrometheusExporter, PrometheusSerializer } from '@opentelemetry/exporter-prometheus';
import { BasicTracerProvider, BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { MANIFEST, TELEMETRY_SCOPE } from '../../plugin/index.js';
import { DeltaReader, WorkerTotals, type WorkerMetricsMessage } from './worker-metrics.js';

export interface HostTelemetryOptions {
  /** Where spans go over OTLP (http/json), when set: the host reads it from `OTEL_EXPORTER_OTLP_*`. */
  otlpTracesUrl?: string;
  /** Read figures as deltas to send elsewhere (a worker process) rather than serve them (the host). */
  deltas?: boolean;
}

/**
 * The trace URL the standard variables give: the traces endpoint as is, or the base endpoint + `/v1/traces`;
 * undefined when neither is set or `OTEL_SDK_DISABLED=true`. Throws, naming the variable (not its value: it may
 * hold credentials), when it is no http(s) URL.
 */
export function otlpTracesUrlOf(env: NodeJS.ProcessEnv): string | undefined {
  if (env.OTEL_SDK_DISABLED === 'true') return undefined;
  const [name, value] = env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT
    ? ['OTEL_EXPORTER_OTLP_TRACES_ENDPOINT', env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT]
    : ['OTEL_EXPORTER_OTLP_ENDPOINT', env.OTEL_EXPORTER_OTLP_ENDPOINT];
  if (!value) return undefined;
  let end = value.length;
  while (end > 0 && value[end - 1] === '/') end--;
  const url = name === 'OTEL_EXPORTER_OTLP_ENDPOINT' ? `${value.slice(0, end)}/v1/traces` : value;
  const protocol = URL.canParse(url) ? new URL(url).protocol : '';
  if (protocol !== 'http:' && protocol !== 'https:')
    throw new Error(`${name} must be an http:// or https:// URL (like http://localhost:4318)`);
  return url;
}

/**
 * The host's OpenTelemetry SDK: a meter provider read by the Prometheus exporter (served at `/metrics`, no server
 * of its own) or, in a worker process, by a delta reader; a tracer provider exporting over OTLP when a URL is
 * set. The plugin gets its Meter and Tracer from here through `createDestination` (nothing is registered
 * globally, so several hosts can live in one process).
 */
export class HostTelemetry {
  private readonly prometheus?: PrometheusExporter;
  private readonly deltas?: DeltaReader;
  private readonly meters: MeterProvider;
  private readonly tracers?: BasicTracerProvider;
  private readonly serializer = new PrometheusSerializer(undefined, false, undefined, false, true);
  /** Figures the delivery worker processes sent (`SIGNAL_WORKERS`, 1 in `npm start`). */
  readonly workers = new WorkerTotals();

  constructor(options: HostTelemetryOptions = {}) {
    const resource = resourceFromAttributes({
      'service.name': 'signal-host',
      'service.version': MANIFEST.version,
    });
    const reader = options.deltas
      ? (this.deltas = new DeltaReader())
      : (this.prometheus = new PrometheusExporter({ preventServerStart: true }));
    this.meters = new MeterProvider({ resource, readers: [reader] });
    if (options.otlpTracesUrl) {
      this.tracers = new BasicTracerProvider({
        resource,
        spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter({ url: options.otlpTracesUrl }))],
      });
    }
  }

  /** The Meter the plugin's instruments are made from. */
  get pluginMeter(): Meter {
    return this.meters.getMeter(TELEMETRY_SCOPE, MANIFEST.version);
  }

  /** The Tracer of the plugin's spans; undefined (the API's default, a no-op) when no traces are exported. */
  get pluginTracer(): Tracer | undefined {
    return this.tracers?.getTracer(TELEMETRY_SCOPE, MANIFEST.version);
  }

  /** The Meter of the host's own figures. */
  get hostMeter(): Meter {
    return this.meters.getMeter('signal-host', MANIFEST.version);
  }

  /** Everything, the worker processes' figures included, in Prometheus's text format. */
  async exposition(): Promise<string> {
    const { resourceMetrics } = await this.prometheus!.collect();
    return this.serializer.serialize(this.workers.mergeInto(resourceMetrics));
  }

  /** (Worker process) what changed since the last call, to send to the host. */
  async changes(): Promise<WorkerMetricsMessage> {
    const { resourceMetrics } = await this.deltas!.collect();
    return { type: 'metrics', scopes: resourceMetrics.scopeMetrics };
  }

  /** Sends the spans still buffered and stops. */
  async shutdown(): Promise<void> {
    await Promise.allSettled([this.meters.shutdown(), this.tracers?.shutdown()]);
  }
}
