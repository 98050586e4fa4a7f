import { inject, injectable } from 'tsyringe';
import type { Got } from 'got';
import { TOKENS } from '../di/tokens.js';
import type { HostSettings } from '../host-settings.js';
import { AmazonUnavailableError, AuthError } from '../errors.js';
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
    @inject(TOKENS.Http) private readonly http: Got,
    @inject(TOKENS.HostSettings) private readonly settings: HostSettings,
  ) {}

  async refresh(credentials: RefreshCredentials, now: number): Promise<IssuedToken> {
    let response;
    try {
      response = await this.http.post(this.settings.lwaTokenUrl, {
        form: {
          grant_type: 'refresh_token',
          refresh_token: credentials.refreshToken,
          client_id: credentials.clientId,
          client_secret: credentials.clientSecret,
        },
        headers: { accept: 'application/json' },
      });
    } catch (error) {
      throw classifyTransportError(error);
    }
    const body = safeParse(response.body) as
      | { access_token?: unknown; expires_in?: unknown; error?: unknown; error_description?: unknown }
      | undefined;
    if (response.statusCode === 200 && typeof body?.access_token === 'string' && body.access_token) {
      const expiresIn = typeof body.expires_in === 'number' && body.expires_in > 0 ? body.expires_in : 3600;
      return { accessToken: body.access_token, expiresAt: now + expiresIn * 1000 };
    }
    if (response.statusCode >= 500 || response.statusCode === 429) {
      throw new AmazonUnavailableError(
        `Login with Amazon answered HTTP ${response.statusCode}; try again later.`,
        response.statusCode,
      );
    }
    const reason = typeof body?.error === 'string' ? body.error : `HTTP ${response.statusCode}`;
    const advice =
      reason === 'invalid_client'
        ? 'Login with Amazon rejected the client id or client secret (invalid_client). Check both and update the integration.'
        : `Login with Amazon refused to refresh the access token (${reason}): the refresh token was revoked or is wrong. Reconnect the integration. ${troubleshooting('401')}`;
    const said =
      typeof body?.error_description === 'string' ? redactText(body.error_description.slice(0, 300)) : '';
    throw new AuthError(said ? `${advice} (Amazon said: ${said})` : advice);
  }
}
