import { inject, injectable } from 'tsyringe';
import { TOKENS } from '../di/tokens.js';
import type { Clock } from '../clock.js';
import type { HostSettings } from '../host-settings.js';
import type { SecretRegistry } from '../logging/secret-registry.js';
import { REGIONS, type Region } from '../constants.js';
import { AmazonAdsApi, type CallContext } from '../amazon/ads-api.js';
import { LwaClient, type RefreshCredentials } from '../auth/lwa-client.js';
import { TokenProviders } from '../auth/token-providers.js';

/** A profile as the "Connect with Amazon" pickers show it. */
export interface ConnectionProfile {
  profile_id: string;
  region: Region;
  country: string;
  currency: string | null;
  account_name: string | null;
  account_type: string | null;
}

/** A DSP advertiser of a profile's region, as the advertiser picker shows it. */
export interface ConnectionAdvertiser {
  advertiser_id: string;
  name: string | null;
}

/**
 * What "Connect with Amazon" needs of Amazon: the authorization code exchanged for a refresh token, then the
 * profiles (every region) and DSP advertisers those credentials can see, for the operator to pick from.
 */
@injectable()
export class AmazonConnect {
  constructor(
    @inject(LwaClient) private readonly lwa: LwaClient,
    @inject(AmazonAdsApi) private readonly api: AmazonAdsApi,
    @inject(TokenProviders) private readonly tokenProviders: TokenProviders,
    @inject(TOKENS.HostSettings) private readonly settings: HostSettings,
    @inject(TOKENS.Clock) private readonly clock: Clock,
    @inject(TOKENS.Secrets) private readonly secrets: SecretRegistry,
  ) {}

  /** The refresh token an authorization code gives (the code works once, within 5 minutes). */
  async exchange(
    app: { clientId: string; clientSecret: string },
    code: string,
    redirectUri: string,
  ): Promise<string> {
    const issued = await this.lwa.exchangeCode(app, code, redirectUri, this.clock.now());
    // Scrubbed from every log line and error from now on, as every secret the plugin learns.
    this.secrets.add(issued.refreshToken, issued.accessToken, app.clientSecret);
    return issued.refreshToken;
  }

  /** A fresh access token for the credentials (an integration installed from a connection starts with it). */
  async accessToken(credentials: RefreshCredentials): Promise<string> {
    const { accessToken } = await this.lwa.refresh(credentials, this.clock.now());
    this.secrets.add(accessToken, credentials.refreshToken, credentials.clientSecret);
    return accessToken;
  }

  /** Every profile the credentials see, region by region. */
  async profiles(credentials: RefreshCredentials): Promise<ConnectionProfile[]> {
    const tokens = await this.tokens(credentials);
    const out: ConnectionProfile[] = [];
    for (const region of REGIONS) {
      const ctx: CallContext = {
        host: this.settings.regionHosts[region],
        clientId: credentials.clientId,
        tokens,
      };
      for (const p of await this.api.listProfiles(ctx))
        out.push({
          profile_id: p.profileId,
          region,
          country: p.countryCode,
          currency: p.currencyCode ?? null,
          account_name: p.accountInfo?.name ?? null,
          account_type: p.accountInfo?.type ?? null,
        });
    }
    return out;
  }

  /** The DSP advertisers the credentials see in a region (the region of the profile picked). */
  async advertisers(credentials: RefreshCredentials, region: Region): Promise<ConnectionAdvertiser[]> {
    const tokens = await this.tokens(credentials);
    const ctx: CallContext = {
      host: this.settings.regionHosts[region],
      clientId: credentials.clientId,
      tokens,
    };
    const seen = new Map<string, ConnectionAdvertiser>();
    for (const account of await this.api.listAdvertiserAccounts(ctx))
      for (const alt of account.alternateIds ?? [])
        if (alt.dspAdvertiserId && (!alt.region || alt.region === region))
          seen.set(alt.dspAdvertiserId, {
            advertiser_id: alt.dspAdvertiserId,
            name: account.displayName ?? null,
          });
    return [...seen.values()];
  }

  private async tokens(credentials: RefreshCredentials) {
    const issued = await this.lwa.refresh(credentials, this.clock.now());
    return this.tokenProviders.forCredentials(issued.accessToken, credentials);
  }
}
