/**
 * Every Amazon URL, path and limit the plugin relies on, each with the source it came from.
 * Sources are the keys of ../shared/amazon/events-api.md ("SPEC" = Amazon Ads API v1 OpenAPI, etc.).
 */

export type Region = 'NA' | 'EU' | 'FE';
export const REGIONS: readonly Region[] = ['NA', 'EU', 'FE'];

/** Regional Ads API hosts. SPEC `servers`; DOCS reference/api-overview.md. */
export const REGION_HOSTS: Readonly<Record<Region, string>> = {
  NA: 'https://advertising-api.amazon.com',
  EU: 'https://advertising-api-eu.amazon.com',
  FE: 'https://advertising-api-fe.amazon.com',
};

/** Login with Amazon token endpoint; "access tokens are global". DOCS authorization/access-tokens.md. */
export const LWA_TOKEN_URL = 'https://api.amazon.com/auth/o2/token';

/**
 * Login with Amazon's token endpoint of each region, where an authorization code from that region's sign-in is
 * exchanged. DOCS authorization/access-tokens.md: api.amazon.com, api.amazon.co.uk (EU), api.amazon.co.jp (FE).
 */
export const LWA_TOKEN_URLS: Readonly<Record<Region, string>> = {
  NA: LWA_TOKEN_URL,
  EU: 'https://api.amazon.co.uk/auth/o2/token',
  FE: 'https://api.amazon.co.jp/auth/o2/token',
};

/**
 * Login with Amazon's authorization page for each region's accounts: a European or Far East login signs in on
 * its own region's site. Amazon Ads API docs, "Grant authorization" (authorization URL by region).
 */
export const LWA_AUTHORIZE_URLS: Readonly<Record<Region, string>> = {
  NA: 'https://www.amazon.com/ap/oa',
  EU: 'https://eu.account.amazon.com/ap/oa',
  FE: 'https://apac.account.amazon.com/ap/oa',
};

/** Paths on a region host. SPEC op CreateEvent and QueryAdvertiserAccount; DOCS authorization/profiles.md. */
export const PATHS = {
  createEvents: '/adsApi/v1/create/events',
  profiles: '/v2/profiles',
  advertiserAccounts: '/adsApi/v1/query/advertiserAccounts',
  lwaToken: '/auth/o2/token',
} as const;

/** Marketplace country → region. DOCS reference/api-overview.md (the GTM tag uses the same mapping). */
export const COUNTRY_REGION: Readonly<Record<string, Region>> = {
  US: 'NA',
  CA: 'NA',
  MX: 'NA',
  BR: 'NA',
  GB: 'EU',
  UK: 'EU',
  FR: 'EU',
  IT: 'EU',
  ES: 'EU',
  DE: 'EU',
  NL: 'EU',
  AE: 'EU',
  PL: 'EU',
  TR: 'EU',
  EG: 'EU',
  SA: 'EU',
  SE: 'EU',
  BE: 'EU',
  IN: 'EU',
  ZA: 'EU',
  IE: 'EU',
  JP: 'FE',
  AU: 'FE',
  SG: 'FE',
};

export const LIMITS = {
  /** SPEC CreateEventRequest.events maxItems. */
  eventsPerRequest: 500,
  /** Undocumented; SPEC has 413 CONTENT_TOO_LARGE, Tealium batches to 1 MB. A safe cap. */
  requestBodyBytes: 1_000_000,
  /** SPEC EventCreate.matchKeys maxItems. */
  matchKeysPerEvent: 15,
  /** SPEC EventCreate.customData maxItems. */
  customDataPerEvent: 13,
  /** SPEC CreateCustomData: an INTEGER is 32-bit (and Amazon's customData alphabet has no minus sign). */
  customDataIntegerMax: 2_147_483_647,
  /** GTM help text, GTMDOC using-the-template.md. */
  maxEventAgeDays: 21,
  /** SPEC CreateDeviceInfo.userAgent description. */
  userAgentChars: 512,
  /** GTM tag: event name at most 256 characters. */
  eventNameChars: 256,
  /** SPEC QueryAdvertiserAccountRequest.maxResults maximum. */
  advertiserAccountsPageSize: 100,
  /** Our own bound on pages read while resolving an advertiser (100 × 50 = 5,000 accounts). */
  advertiserAccountsMaxPages: 50,
} as const;

/** How long a Login with Amazon access token works after it is issued (DOCS access-tokens.md: 60 minutes). */
export const ACCESS_TOKEN_LIFETIME_MS = 3_600_000;

/** LWA access tokens live 3600 s; refresh this long before they run out (GTMAUTH refreshes at expires_in − 300). */
export const TOKEN_REFRESH_LEEWAY_MS = 300_000;

/** Header names. SPEC AccountIdHeader / ClientIdHeader; DOCS profiles.md for the legacy client id header. */
export const HEADERS = {
  clientId: 'Amazon-Ads-ClientId',
  legacyClientId: 'Amazon-Advertising-API-ClientId',
  accountId: 'Amazon-Ads-AccountId',
  /** Replaces Amazon-Ads-AccountId when events go to a manager account (SPEC ManagerAccountIdHeaderOptional). */
  managerAccountId: 'Amazon-Ads-Manager-AccountId',
  /** Replaces Authorization and Amazon-Ads-ClientId with an API token bound to a dataset (GTM, events-api.md §2). */
  apiToken: 'Amazon-Advertising-API-Token',
  requestId: 'x-amzn-requestid',
} as const;
