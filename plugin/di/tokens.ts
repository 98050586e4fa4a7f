/** Explicit DI tokens for everything injected through an interface. */
export const TOKENS = {
  /** winston `Logger` with redaction built in. */
  Logger: Symbol('Logger'),
  /** `Clock`: time and sleeping, replaceable in tests. */
  Clock: Symbol('Clock'),
  /** `AmazonHttp`: every HTTP call to Amazon (got, loaded on first use). */
  Http: Symbol('Http'),
  /** `HostSettings`. */
  HostSettings: Symbol('HostSettings'),
  /** `SecretRegistry`: secret values the logger scrubs wherever they appear. */
  Secrets: Symbol('Secrets'),
  /** `DeliverySettings`: retry budget, backoff and concurrency of deliver. */
  DeliverySettings: Symbol('DeliverySettings'),
  /** `DelivererFactory`: builds an installation's `Deliverer` in a child container of its own (container.ts). */
  DelivererFactory: Symbol('DelivererFactory'),
  /** `SharedTokens`: where access tokens are shared between processes (Redis), or not (one process). */
  SharedTokens: Symbol('SharedTokens'),
  /** `RequestPace`: each advertiser's request rate and 429 pause, shared between processes (Redis) or not. */
  RequestPace: Symbol('RequestPace'),
  /** `Meter` (`@opentelemetry/api`) the plugin's instruments are made from; default: the global provider's. */
  Meter: Symbol('Meter'),
  /** `Tracer` (`@opentelemetry/api`) of the spans around requests to Amazon; default: the global provider's. */
  Tracer: Symbol('Tracer'),
  /** The `Installation` a child container serves. */
  Installation: Symbol('Installation'),
} as const;
