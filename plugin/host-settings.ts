import { LWA_TOKEN_URL, LWA_TOKEN_URLS, REGION_HOSTS, REGIONS, type Region } from './constants.js';

/**
 * What the host decides and an operator never can: where Amazon is and which Login with Amazon
 * application the platform uses. Read once at start-up (see `hostSettingsFromEnv`) and injected.
 */
export interface HostSettings {
  /** Base URL of the Ads API for each region. */
  readonly regionHosts: Readonly<Record<Region, string>>;
  /** Login with Amazon token endpoint (refreshing: access tokens are global). */
  readonly lwaTokenUrl: string;
  /**
   * Login with Amazon's token endpoint per region, where an authorization code from that region's sign-in is
   * exchanged ("Connect with Amazon"); absent: `lwaTokenUrl` for every region.
   */
  readonly lwaTokenUrls?: Readonly<Record<Region, string>>;
  /** The platform's own LWA client id, used when an installation's config has none. */
  readonly platformClientId?: string;
  /** Timeout of one HTTP request to Amazon. */
  readonly requestTimeoutMs: number;
  /** Redis shared by every process that delivers (access tokens); absent: each process on its own. */
  readonly stateRedisUrl?: string;
  /**
   * The name of the service that delivers the conversions, sent as Amazon's `partner` on every event ("the name
   * of the third-party service used to deliver the conversions", SPEC EventCreate). Default `Datafly Signal`.
   */
  readonly partnerName?: string;
}

export const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;
/** Amazon's `partner` when the host names none: the platform this plugin is built for. */
export const DEFAULT_PARTNER_NAME = 'Datafly Signal';
/** At most this many characters of a partner name are sent (the name of a service, never free text). */
export const PARTNER_NAME_MAX_CHARS = 100;

/**
 * Builds host settings from the environment:
 * - `AMAZON_ADS_API_URL`: one base URL replacing the three region hosts (a `{region}` placeholder,
 *   if present, becomes `na`, `eu` or `fe`, so a sandbox can serve each region apart);
 * - `AMAZON_LWA_TOKEN_URL`: the token endpoint (a `{region}` placeholder, if present, gives one per region, as
 *   for the Ads API; `na` for refreshing);
 * - `AMAZON_ADS_CLIENT_ID`: the platform's LWA client id;
 * - `AMAZON_REQUEST_TIMEOUT_MS`;
 * - `AMAZON_STATE_REDIS_URL`: Redis that several delivery processes share (access tokens renewed once for all);
 * - `AMAZON_PARTNER_NAME`: the name sent as Amazon's `partner` on every event (default `Datafly Signal`; blank
 *   for the default, cut to 100 characters).
 */
export function hostSettingsFromEnv(env: Readonly<Record<string, string | undefined>>): HostSettings {
  const base = nonEmpty(env.AMAZON_ADS_API_URL);
  const tokenUrl = nonEmpty(env.AMAZON_LWA_TOKEN_URL);
  const timeout = Number(env.AMAZON_REQUEST_TIMEOUT_MS);
  const lwaTokenUrls = tokenUrl ? regionHostsFromBase(tokenUrl) : LWA_TOKEN_URLS;
  return {
    regionHosts: base ? regionHostsFromBase(base) : REGION_HOSTS,
    lwaTokenUrl: tokenUrl ? lwaTokenUrls.NA : LWA_TOKEN_URL,
    lwaTokenUrls,
    platformClientId: nonEmpty(env.AMAZON_ADS_CLIENT_ID),
    requestTimeoutMs: Number.isFinite(timeout) && timeout > 0 ? timeout : DEFAULT_REQUEST_TIMEOUT_MS,
    ...(nonEmpty(env.AMAZON_STATE_REDIS_URL) ? { stateRedisUrl: nonEmpty(env.AMAZON_STATE_REDIS_URL) } : {}),
    partnerName: (nonEmpty(env.AMAZON_PARTNER_NAME) ?? DEFAULT_PARTNER_NAME).slice(0, PARTNER_NAME_MAX_CHARS),
  };
}

/** `http://127.0.0.1:4010/{region}` → one host per region; without the placeholder, the same URL for all. */
export function regionHostsFromBase(base: string): Record<Region, string> {
  let end = base.length;
  while (end > 0 && base[end - 1] === '/') end--;
  const trimmed = base.slice(0, end);
  return Object.fromEntries(REGIONS.map((r) => [r, trimmed.replace('{region}', r.toLowerCase())])) as Record<
    Region,
    string
  >;
}

function nonEmpty(value: string | undefined): string | undefined {
  const v = value?.trim();
  return v ? v : undefined;
}
