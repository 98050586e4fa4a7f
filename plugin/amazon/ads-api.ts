import { inject, injectable } from 'tsyringe';
import { TOKENS } from '../di/tokens.js';
import { HEADERS, LIMITS, PATHS } from '../constants.js';
import { AmazonResponseError } from '../errors.js';
import type { TokenProvider } from '../auth/token-provider.js';
import { authorisedCall } from '../auth/authorised-call.js';
import type { Clock } from '../clock.js';
import { classifyFailure, classifyTransportError } from './classify.js';
import type { AmazonHttp, AmazonResponse } from './http.js';
import { parseJsonLossless } from './lossless-json.js';

/** A profile as `GET /v2/profiles` lists it, ids kept as strings. */
export interface AmazonProfile {
  profileId: string;
  countryCode: string;
  currencyCode?: string;
  timezone?: string;
  accountInfo?: { id?: string; type?: string; name?: string; subType?: string };
}

export interface AlternateId {
  countryCode?: string;
  region?: string;
  profileId?: string;
  entityId?: string;
  dspAdvertiserId?: string;
}

export interface AdvertiserAccount {
  advertiserAccountId?: string;
  displayName?: string;
  alternateIds?: AlternateId[];
}

/**
 * Where and as whom events are sent: the region host; a Bearer access token with the client id, or an API token
 * (events-api.md §2); and the advertiser (Amazon-Ads-AccountId) or the manager account it is sent for.
 */
export interface EventsTarget {
  host: string;
  clientId: string;
  apiToken: boolean;
  account: { header: string; id: string };
}

/** The events target of an installation's config on a region host. */
export function eventsTarget(
  host: string,
  clientId: string,
  config: { manager_account_id?: string; api_token?: string },
  advertiserId: string,
): EventsTarget {
  return {
    host,
    clientId,
    apiToken: config.api_token !== undefined,
    account: config.manager_account_id
      ? { header: HEADERS.managerAccountId, id: config.manager_account_id }
      : { header: HEADERS.accountId, id: advertiserId },
  };
}

/** Who is calling: the region host, the LWA client id and the installation's tokens. */
export interface CallContext {
  host: string;
  clientId: string;
  tokens: TokenProvider;
}

/** The Ads API calls install needs. Each answer other than success is classified into a typed error. */
@injectable()
export class AmazonAdsApi {
  constructor(
    @inject(TOKENS.Http) private readonly http: AmazonHttp,
    @inject(TOKENS.Clock) private readonly clock: Clock,
  ) {}

  async listProfiles(ctx: CallContext): Promise<AmazonProfile[]> {
    const response = await this.authorised(ctx, (token) =>
      this.send(`${ctx.host}${PATHS.profiles}`, 'GET', {
        authorization: `Bearer ${token}`,
        [HEADERS.legacyClientId]: ctx.clientId,
        accept: 'application/json',
      }),
    );
    const body = parseJsonLossless(response.body);
    if (!Array.isArray(body))
      throw new AmazonResponseError('Amazon answered /v2/profiles with something other than a list.');
    return body.filter(isObject).map((p) => ({
      ...(p as unknown as AmazonProfile),
      profileId: String(p.profileId),
      countryCode: String(p.countryCode ?? ''),
    }));
  }

  /** Every advertiser account the token can see, page by page (bounded). */
  async listAdvertiserAccounts(ctx: CallContext): Promise<AdvertiserAccount[]> {
    const accounts: AdvertiserAccount[] = [];
    let nextToken: string | undefined;
    for (let page = 0; page < LIMITS.advertiserAccountsMaxPages; page++) {
      const body = JSON.stringify({
        isGlobalAccountFilter: { include: [true] },
        maxResults: LIMITS.advertiserAccountsPageSize,
        ...(nextToken ? { nextToken } : {}),
      });
      const response = await this.authorised(ctx, (token) =>
        this.send(
          `${ctx.host}${PATHS.advertiserAccounts}`,
          'POST',
          {
            authorization: `Bearer ${token}`,
            [HEADERS.clientId]: ctx.clientId,
            'content-type': 'application/json',
            accept: 'application/json',
          },
          body,
        ),
      );
      const parsed = parseJsonLossless(response.body) as {
        advertiserAccounts?: unknown;
        nextToken?: unknown;
      };
      if (!isObject(parsed) || !Array.isArray(parsed.advertiserAccounts)) {
        throw new AmazonResponseError(
          'Amazon answered the advertiser account query without advertiserAccounts.',
        );
      }
      accounts.push(...(parsed.advertiserAccounts.filter(isObject) as AdvertiserAccount[]));
      nextToken = typeof parsed.nextToken === 'string' && parsed.nextToken ? parsed.nextToken : undefined;
      if (!nextToken) break;
    }
    return accounts;
  }

  /**
   * `POST /adsApi/v1/create/events` with a pre-serialised body. Returns Amazon's answer unclassified (the
   * delivery code reads it with `classifyEventsResponse`); throws `AmazonUnavailableError` when no answer came.
   */
  async createEvents(target: EventsTarget, token: string, body: string): Promise<AmazonResponse> {
    const caller: Record<string, string> = target.apiToken
      ? { [HEADERS.apiToken]: token }
      : { authorization: `Bearer ${token}`, [HEADERS.clientId]: target.clientId };
    return this.send(
      `${target.host}${PATHS.createEvents}`,
      'POST',
      {
        ...caller,
        [target.account.header]: target.account.id,
        'content-type': 'application/json',
        accept: 'application/json',
      },
      body,
    );
  }

  /**
   * Checks at install that Amazon takes events from these credentials for this account, without sending any:
   * a request with an empty event list, which Amazon refuses (400, SPEC: 1 to 500 events) only once it has
   * accepted the caller and the account (inferred: authentication comes first). Throws the typed error of
   * any other answer.
   */
  async checkEventsAccess(target: EventsTarget, tokens: TokenProvider): Promise<void> {
    const response = await authorisedCall(
      tokens,
      (token) => this.createEvents(target, token, '{"events":[]}'),
      (r) => r.status === 401,
    );
    if (response.status !== 400) throw classifyFailure(response, this.clock.now());
  }

  /** Runs `call` with the installation's token (see `authorisedCall`); any answer but success is a typed error. */
  private async authorised(
    ctx: CallContext,
    call: (token: string) => Promise<AmazonResponse>,
  ): Promise<AmazonResponse> {
    const response = await authorisedCall(ctx.tokens, call, (r) => r.status === 401);
    if (response.status < 200 || response.status >= 300) throw classifyFailure(response, this.clock.now());
    return response;
  }

  private async send(
    url: string,
    method: 'GET' | 'POST',
    headers: Record<string, string>,
    body?: string,
  ): Promise<AmazonResponse> {
    try {
      const r = await this.http(url, { method, headers, body });
      return { status: r.statusCode, headers: r.headers, body: r.body };
    } catch (error) {
      throw classifyTransportError(error);
    }
  }
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
