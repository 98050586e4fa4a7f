import { inject, injectable } from 'tsyringe';
import { TOKENS } from '../di/tokens.js';
import type { Clock } from '../clock.js';
import type { HostSettings } from '../host-settings.js';
import type { SecretRegistry } from '../logging/secret-registry.js';
import { REGIONS, type Region } from '../constants.js';
import { AmazonAdsApi, type CallContext } from '../amazon/ads-api.js';
import { LwaClient, type RefreshCredentials } from '../auth/lwa-client.js';
import { TokenProviders } from '../auth/token-providers.js';
import type { TokenProvider } from '../auth/token-provider.js';

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

  /**
   * The refresh token (and a first access token) an authorization code gives: once, within 5 minutes, at the
   * token endpoint of the `region` whose Login with Amazon page the user signed in on.
   */
  async exchange(
    app: { clientId: string; clientSecret: string },
    code: string,
    redirectUri: string,
    region: Region = 'NA',
  ): Promise<{ refreshToken: string; accessToken: string }> {
    const issued = await this.lwa.exchangeCode(app, code, redirectUri, this.clock.now(), region);
    // Scrubbed from every log line and error from now on, as every secret the plugin learns.
    this.secrets.add(issued.refreshToken, issued.accessToken, app.clientSecret);
    return { refreshToken: issued.refreshToken, accessToken: issued.accessToken };
  }

  /** A fresh access token for the credentials (an integration installed from a connection starts with it). */
  async accessToken(credentials: RefreshCredentials): Promise<string> {
    const { accessToken } = await this.lwa.refresh(credentials, this.clock.now());
    this.secrets.add(accessToken, credentials.refreshToken, credentials.clientSecret);
    return accessToken;
  }

  /** Every profile the credentials see, region by region (with `accessToken`, no renewal first). */
  async profiles(credentials: RefreshCredentials, accessToken?: string): Promise<ConnectionProfile[]> {
    return this.profilesWith(credentials, await this.tokens(credentials, accessToken));
  }

  /**
   * The DSP advertisers the credentials see in the region of one of their profiles; undefined when they see no
   * such profile. One token serves both lists.
   */
  async advertisers(
    credentials: RefreshCredentials,
    profileId: string,
  ): Promise<ConnectionAdvertiser[] | undefined> {
    const tokens = await this.tokens(credentials);
    const profile = (await this.profilesWith(credentials, tokens)).find((p) => p.profile_id === profileId);
    if (!profile) return undefined;
    const ctx: CallContext = {
      host: this.settings.regionHosts[profile.region],
      clientId: credentials.clientId,
      tokens,
    };
    const seen = new Map<string, ConnectionAdvertiser>();
    for (const account of await this.api.listAdvertiserAccounts(ctx))
      for (const alt of account.alternateIds ?? [])
        if (alt.dspAdvertiserId && (!alt.region || alt.region === profile.region))
          seen.set(alt.dspAdvertiserId, {
            advertiser_id: alt.dspAdvertiserId,
            name: account.displayName ?? null,
          });
    return [...seen.values()];
  }

  private async profilesWith(
    credentials: RefreshCredentials,
    tokens: TokenProvider,
  ): Promise<ConnectionProfile[]> {
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

  /** A provider of `accessToken`, else of one renewed now. */
  private async tokens(credentials: RefreshCredentials, accessToken?: string): Promise<TokenProvider> {
    return this.tokenProviders.forCredentials(
      accessToken ?? (await this.accessToken(credentials)),
      credentials,
    );
  }
}
