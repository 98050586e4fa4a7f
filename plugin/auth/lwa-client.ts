import { inject, injectable } from 'tsyringe';
import type { AmazonHttp } from '../amazon/http.js';
import { TOKENS } from '../di/tokens.js';
import type { HostSettings } from '../host-settings.js';
import type { Region } from '../constants.js';
import { AmazonUnavailableError, AuthError } from '../errors.js';
import { PluginTelemetry } from '../telemetry/plugin-telemetry.js';
import { classifyTransportError, safeParse } from '../amazon/classify.js';
import { redactText } from '../logging/redact.js';
import { troubleshooting } from '../catalog/manifest.js';

export interface RefreshCredentials {
  clientId: string;
  clientSecret: string;
  refreshToken: string;
}

/** The refresh credentials of a config, when it has all three. */
export function refreshCredentialsOf(config: {
  client_id?: string;
  client_secret?: string;
  refresh_token?: string;
}): RefreshCredentials | undefined {
  return config.client_id && config.client_secret && config.refresh_token
    ? { clientId: config.client_id, clientSecret: config.client_secret, refreshToken: config.refresh_token }
    : undefined;
}

export interface IssuedToken {
  accessToken: string;
  /** Milliseconds since the epoch when Amazon says the token stops working. */
  expiresAt: number;
}

/**
 * Login with Amazon's token endpoint, refresh_token grant. A form POST with no Authorization header:
 * Amazon's token endpoint rejects requests that carry one.
 */
@injectable()
export class LwaClient {
  constructor(
    @inject(TOKENS.Http) private readonly http: AmazonHttp,
    @inject(TOKENS.HostSettings) private readonly settings: HostSettings,
    @inject(PluginTelemetry) private readonly telemetry: PluginTelemetry,
  ) {}

  /** A new access token for refresh credentials; each call is counted as a renewal, failed with its code. */
  async refresh(credentials: RefreshCredentials, now: number): Promise<IssuedToken> {
    try {
      const issued = await this.refreshOnce(credentials, now);
      this.telemetry.renewal();
      return issued;
    } catch (error) {
      const code = (error as { code?: unknown } | null)?.code;
      this.telemetry.renewal(typeof code === 'string' ? code : 'UNKNOWN');
      throw error;
    }
  }

  private async refreshOnce(credentials: RefreshCredentials, now: number): Promise<IssuedToken> {
    const { response, body } = await this.tokenRequest({
      grant_type: 'refresh_token',
      refresh_token: credentials.refreshToken,
      client_id: credentials.clientId,
      client_secret: credentials.clientSecret,
    });
    if (response.statusCode === 200 && typeof body?.access_token === 'string' && body.access_token)
      return { accessToken: body.access_token, expiresAt: expiresAt(body, now) };
    throw refused(response.statusCode, body, 'refresh');
  }

  /**
   * The authorization-code grant (events-api.md §6): the code Login with Amazon gave the redirect URI, exchanged
   * once for a refresh token and a first access token, at the token endpoint of the region the user signed in to.
   */
  async exchangeCode(
    app: { clientId: string; clientSecret: string },
    code: string,
    redirectUri: string,
    now: number,
    region: Region = 'NA',
  ): Promise<IssuedToken & { refreshToken: string }> {
    const url = this.settings.lwaTokenUrls?.[region] ?? this.settings.lwaTokenUrl;
    const { response, body } = await this.tokenRequest(
      {
        grant_type: 'authorization_code',
        code,
        redirect_uri: redirectUri,
        client_id: app.clientId,
        client_secret: app.clientSecret,
      },
      url,
    );
    if (
      response.statusCode === 200 &&
      typeof body?.access_token === 'string' &&
      typeof body.refresh_token === 'string' &&
      body.refresh_token
    ) {
      return {
        accessToken: body.access_token,
        refreshToken: body.refresh_token,
        expiresAt: expiresAt(body, now),
      };
    }
    throw refused(response.statusCode, body, 'code');
  }

  private async tokenRequest(
    form: Record<string, string>,
    url = this.settings.lwaTokenUrl,
  ): Promise<{ response: { statusCode: number }; body: TokenBody }> {
    let response;
    try {
      response = await this.http(url, {
        method: 'POST',
        form,
        headers: { accept: 'application/json' },
      });
    } catch (error) {
      throw classifyTransportError(error);
    }
    return { response, body: safeParse(response.body) as TokenBody };
  }
}

type TokenBody =
  | {
      access_token?: unknown;
      refresh_token?: unknown;
      expires_in?: unknown;
      error?: unknown;
      error_description?: unknown;
    }
  | undefined;

/** When an issued token expires: `expires_in` seconds from now, or Amazon's documented hour without one. */
function expiresAt(body: NonNullable<TokenBody>, now: number): number {
  const expiresIn = typeof body.expires_in === 'number' && body.expires_in > 0 ? body.expires_in : 3600;
  return now + expiresIn * 1000;
}

/** Why Login with Amazon gave no token: unavailable (retry later), or an AuthError saying what to fix. */
function refused(status: number, body: TokenBody, grant: 'refresh' | 'code'): Error {
  if (status >= 500 || status === 429)
    return new AmazonUnavailableError(`Login with Amazon answered HTTP ${status}; try again later.`, status);
  const reason = typeof body?.error === 'string' ? body.error : `HTTP ${status}`;
  const advice =
    reason === 'invalid_client'
      ? 'Login with Amazon rejected the client id or client secret (invalid_client). Check both and update the integration.'
      : grant === 'code'
        ? `Login with Amazon refused the authorization code (${reason}): it is used, expired or for another return URL. Connect with Amazon again.`
        : `Login with Amazon refused to refresh the access token (${reason}): the refresh token was revoked or is wrong. Reconnect the integration. ${troubleshooting('401')}`;
  const said =
    typeof body?.error_description === 'string' ? redactText(body.error_description.slice(0, 300)) : '';
  return new AuthError(said ? `${advice} (Amazon said: ${said})` : advice);
}
