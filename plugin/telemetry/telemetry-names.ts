/**
 * The plugin's instrument names and its instrumentation scope. A Prometheus exporter writes `.` as `_` and adds
 * `_total` to counters (`amazon_dsp_events_total`); names of figures in seconds end in `seconds`, as Prometheus
 * has them. docs/operations.md lists them as Prometheus shows them.
 */
export const TELEMETRY_SCOPE = 'amazon-dsp-events';

export const TELEMETRY_NAMES = {
  events: 'amazon_dsp.events',
  transforms: 'amazon_dsp.transform.results',
  requests: 'amazon_dsp.requests',
  throttled: 'amazon_dsp.throttled',
  renewals: 'amazon_dsp.token.renewals',
  paceWait: 'amazon_dsp.pace.wait.seconds',
  duration: 'amazon_dsp.request.duration.seconds',
  eventsPerRequest: 'amazon_dsp.request.events',
} as const;
