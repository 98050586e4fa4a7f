import { inject, injectable } from 'tsyringe';
import { TOKENS } from '../di/tokens.js';
import type { Clock } from '../clock.js';
import type { SecretRegistry } from '../logging/secret-registry.js';
import type { AmazonDspConfig } from '../config.js';
import { LwaClient, refreshCredentialsOf, type RefreshCredentials } from './lwa-client.js';
import { TokenProvider } from './token-provider.js';
import type { SharedTokens } from '../state/shared-tokens.js';

/** Makes the token provider of a config: the one place a `TokenProvider` is built (install and delivery). */
@injectable()
export class TokenProviders {
  constructor(
    @inject(LwaClient) private readonly lwa: LwaClient,
    @inject(TOKENS.Clock) private readonly clock: Clock,
    @inject(TOKENS.Secrets) private readonly secrets: SecretRegistry,
    @inject(TOKENS.SharedTokens) private readonly shared: SharedTokens,
  ) {}

  /** What delivery sends with: the config's API token when it has one (never renewed), else `forConfig`. */
  forDelivery(config: AmazonDspConfig): TokenProvider {
    if (config.api_token === undefined) return this.forConfig(config);
    return new TokenProvider(config.api_token, undefined, this.lwa, this.clock, this.secrets, this.shared);
  }

  /**
   * A provider of the config's access token, renewing it when the config has refresh credentials. The schema
   * requires an access token outside API-token mode, and nothing asks for this one in it.
   */
  forConfig(config: AmazonDspConfig): TokenProvider {
    return this.forCredentials(config.access_token ?? '', refreshCredentialsOf(config));
  }

  /** A provider of this access token, renewing it with these refresh credentials (a connection's). */
  forCredentials(accessToken: string, credentials: RefreshCredentials | undefined): TokenProvider {
    return new TokenProvider(accessToken, credentials, this.lwa, this.clock, this.secrets, this.shared);
  }
}
