export interface SandboxOptions {
  port?: number;
  host?: string;
  /**
   * Lifetime of every access token, in seconds (default 3600, as Login with Amazon's): issued ones from their
   * issue, the accounts' well-known ones (the seed's `Atza|IwEBIA...`) from the sandbox's start.
   */
  tokenTtlSeconds?: number;
  /** Request bodies above this answer 413 CONTENT_TOO_LARGE. */
  maxBodyBytes?: number;
  /** Keep the accepted events themselves ('full') or only their ids and counts ('ids', for big runs). */
  recordMode?: 'full' | 'ids';
  /** For events with the same eventId: SPEC says the latest is kept, GTMDOC says the first. */
  dedupe?: 'latest' | 'first';
  /** How many received requests to keep for inspection (0 for benchmarks). */
  keepRequests?: number;
  /**
   * Characters of each kept request's body kept (default: the whole body, which is within its route's limit);
   * a host that embeds the sandbox keeps a short excerpt.
   */
  keepBodyChars?: number;
  /** Characters of request bodies kept in all (default 32 MB worth); the oldest requests go first. */
  keepTotalChars?: number;
  /**
   * When set, every `/__sandbox/*` control answers only with `Authorization: Bearer <controlToken>` (401
   * otherwise). Unset, the controls are open, for local tests.
   */
  controlToken?: string;
  /**
   * `Host` names answered besides loopback (`localhost`, `127.0.0.1`, `[::1]`, any port) and the address it
   * listens on; any other `Host` answers 421, so a web page cannot reach it through DNS rebinding.
   */
  allowedHosts?: string[];
  /**
   * The strict rules: also enforce what Amazon's server-side tag checks and the API does not state, and the
   * sandbox's inferences where Amazon is silent (the `strict` rows of `amazon-rules.ts`: a purchase value needs a
   * currency, currency and units on purchases only, no event time in the future, the tag's forbidden name
   * characters and consent countries), and refuse an advertiser on another region's host. Off by default:
   * only the rules Amazon states. The plugin's tests run with them on.
   */
  tagRules?: boolean;
  /**
   * Throttle the Events API like Amazon: this many requests a second per advertiser account (a token bucket
   * with as large a burst); above it, 429 TOO_MANY_REQUESTS with Retry-After. 0 or absent: no limit.
   */
  rateLimit?: number;
  /**
   * Read an events request's body before its advertiser (Amazon's order is unknown): a bad body, such as an
   * empty event list, then answers 400 even for an advertiser the caller cannot reach. Off by default.
   */
  bodyFirst?: boolean;
  /** Return URLs the applications registered besides the reference host's loopback callback. */
  redirectUris?: string[];
  now?: () => number;
}

export type ResolvedSandboxOptions = Required<Omit<SandboxOptions, 'port' | 'host' | 'controlToken'>> & {
  controlToken: string | undefined;
};

export function resolveOptions(options: SandboxOptions): ResolvedSandboxOptions {
  return {
    tokenTtlSeconds: options.tokenTtlSeconds ?? 3600,
    maxBodyBytes: options.maxBodyBytes ?? 2_000_000,
    recordMode: options.recordMode ?? 'full',
    dedupe: options.dedupe ?? 'latest',
    keepRequests: options.keepRequests ?? 500,
    keepBodyChars: options.keepBodyChars ?? Number.MAX_SAFE_INTEGER,
    keepTotalChars: options.keepTotalChars ?? 32 * 1024 * 1024,
    controlToken: options.controlToken || undefined,
    allowedHosts: (options.allowedHosts ?? []).map((h) => h.toLowerCase()),
    tagRules: options.tagRules ?? false,
    bodyFirst: options.bodyFirst ?? false,
    rateLimit: options.rateLimit ?? 0,
    redirectUris: options.redirectUris ?? [],
    now: options.now ?? Date.now,
  };
}
