import { inject, injectable } from 'tsyringe';
import { TOKENS } from '../di/tokens.js';
import type { HostSettings } from '../host-settings.js';
import type { Clock } from '../clock.js';
import type { Logger } from '../logging/logger.js';
import { SchemaRegistry } from '../schemas/schema-registry.js';
import {
  AmazonAdsApi,
  eventsTarget,
  type AdvertiserAccount,
  type AmazonProfile,
  type CallContext,
} from '../amazon/ads-api.js';
import type { TokenProvider } from '../auth/token-provider.js';
import { TokenProviders } from '../auth/token-providers.js';
import { ACCESS_TOKEN_LIFETIME_MS, COUNTRY_REGION, REGIONS, type Region } from '../constants.js';
import { AccessDeniedError, NotFoundError, PluginError, errorMessage } from '../errors.js';
import { troubleshooting } from '../catalog/manifest.js';
import type { Installation } from '../installation.js';
import { validateInstallRequest, type ValidInstallRequest } from './validate-install-request.js';
import { apiTokenInstallation, installationBase, isApiTokenMode } from './api-token-installation.js';

/**
 * Validates an install request, checks the credentials against Amazon and resolves what delivery needs:
 * the region (from the profile's marketplace unless configured) and the numeric DSP advertiser id.
 */
@injectable()
export class Installer {
  constructor(
    @inject(TOKENS.HostSettings) private readonly settings: HostSettings,
    @inject(SchemaRegistry) private readonly schemas: SchemaRegistry,
    @inject(AmazonAdsApi) private readonly api: AmazonAdsApi,
    @inject(TokenProviders) private readonly tokenProviders: TokenProviders,
    @inject(TOKENS.Clock) private readonly clock: Clock,
    @inject(TOKENS.Logger) private readonly logger: Logger,
  ) {}

  async install(request: unknown): Promise<Installation> {
    const valid = validateInstallRequest(request, this.schemas, this.settings.platformClientId);
    const started = this.clock.now();
    try {
      const installation = await this.resolve(valid);
      this.logger.info('install succeeded', {
        event: 'install',
        variant: installation.variant,
        region: installation.region,
        advertiser_account_id: installation.advertiser.accountId,
        duration_ms: this.clock.now() - started,
      });
      return installation;
    } catch (error) {
      this.logger.warn('install failed', {
        event: 'install',
        variant: valid.variant,
        code: error instanceof PluginError ? error.code : 'UNEXPECTED',
        error: errorMessage(error),
        duration_ms: this.clock.now() - started,
      });
      throw error;
    }
  }

  private async resolve(valid: ValidInstallRequest): Promise<Installation> {
    const { config } = valid;
    if (isApiTokenMode(config)) {
      // No Login with Amazon: Amazon is asked only whether it takes events with this token for the account.
      const host = this.settings.regionHosts[config.region!];
      const target = eventsTarget(host, valid.clientId, config, config.advertiser_id);
      await this.api.checkEventsAccess(target, this.tokenProviders.forDelivery(config));
      return apiTokenInstallation(valid, host, this.clock.now());
    }
    const tokens = this.tokenProviders.forConfig(config);

    const { profile, region } = await this.findProfile(valid, tokens);
    const host = this.settings.regionHosts[region];
    const ctx: CallContext = { host, clientId: valid.clientId, tokens };
    const accounts = await this.api.listAdvertiserAccounts(ctx);
    const warnings: string[] = [];
    const listed = resolveAdvertiser(config.advertiser_id, region, accounts);
    const advertiser =
      listed ??
      (await this.unlistedAdvertiser(config.advertiser_id, region, host, valid.clientId, tokens, warnings));
    // A manager account or an API token is checked with Amazon as delivery will send with it.
    if (config.manager_account_id !== undefined || config.api_token !== undefined) {
      const target = eventsTarget(host, valid.clientId, config, advertiser.accountId);
      await this.api.checkEventsAccess(target, this.tokenProviders.forDelivery(config));
    }

    const installedAt = this.clock.now();
    // Delivery depends on the access token lasting unless it can renew it or sends with an API token.
    const tokenExpiresBy =
      tokens.canRefresh || config.api_token !== undefined
        ? undefined
        : new Date(installedAt + ACCESS_TOKEN_LIFETIME_MS).toISOString();
    if (tokenExpiresBy) {
      warnings.push(
        `Only an access token was given: Login with Amazon access tokens work for 60 minutes, so this one stops by ${tokenExpiresBy} at the latest, and delivery then waits for a reconnect. Add client_id, client_secret and refresh_token so the plugin renews the token itself.`,
      );
    }
    const type = profile.accountInfo?.type;
    if (type && type !== 'agency') {
      warnings.push(
        `Profile ${profile.profileId} is a ${type} profile; Amazon DSP advertisers usually sit under an agency profile.`,
      );
    }
    return {
      ...installationBase(valid, region, host),
      advertiser: { configured: config.advertiser_id, ...advertiser },
      profile: {
        profileId: profile.profileId,
        countryCode: profile.countryCode,
        currencyCode: profile.currencyCode,
        timezone: profile.timezone,
        type,
      },
      config,
      ...(tokenExpiresBy ? { tokenExpiresBy } : {}),
      verification: listed ? 'verified' : 'unverified',
      warnings,
      installedAt: new Date(installedAt).toISOString(),
    };
  }

  /**
   * A numeric DSP advertiser id that the global account query does not list (a non-global account, or a typo):
   * installed **unverified** unless Amazon refuses it outright (403), with a warning. Amazon's 400 to an empty
   * event list proves nothing (it may check the body before the advertiser), so the advertiser is verified only
   * when Amazon accepts its first batch.
   */
  private async unlistedAdvertiser(
    configured: string,
    region: Region,
    host: string,
    clientId: string,
    tokens: TokenProvider,
    warnings: string[],
  ): Promise<Omit<Installation['advertiser'], 'configured'>> {
    const notFound = new NotFoundError(
      `Advertiser ${configured} was not found among the DSP advertisers this access token can see in ${region}. ${troubleshooting('404')}`,
    );
    if (!/^\d+$/.test(configured)) throw notFound;
    try {
      await this.api.checkEventsAccess(eventsTarget(host, clientId, {}, configured), tokens);
    } catch (error) {
      throw error instanceof AccessDeniedError ? notFound : error;
    }
    warnings.push(
      `Advertiser ${configured} is not among the advertiser accounts this token can list, so it is installed unverified: events are sent, and it becomes verified when Amazon accepts its first batch. If Amazon refuses them (403), check the advertiser id.`,
    );
    return { accountId: configured };
  }

  /** Looks for the profile on the configured region's host, or on each region host in turn. */
  private async findProfile(
    valid: ValidInstallRequest,
    tokens: TokenProvider,
  ): Promise<{ profile: AmazonProfile; region: Region }> {
    const wanted = valid.config.profile_id;
    const regions: Region[] = valid.config.region ? [valid.config.region] : [...REGIONS];
    const asked = new Set<string>();
    for (const region of regions) {
      const host = this.settings.regionHosts[region];
      if (asked.has(host)) continue;
      asked.add(host);
      const profiles = await this.api.listProfiles({ host, clientId: valid.clientId, tokens });
      const profile = profiles.find((p) => p.profileId === wanted);
      if (profile) {
        const fromCountry = COUNTRY_REGION[profile.countryCode.toUpperCase()];
        return { profile, region: valid.config.region ?? fromCountry ?? region };
      }
    }
    const where = valid.config.region ? `the ${valid.config.region} region` : 'any region';
    throw new NotFoundError(
      `Profile ${wanted} was not found in ${where} for this access token. ${troubleshooting('404')}`,
    );
  }
}

/**
 * Finds the configured advertiser (numeric DSP id or ENTITY id) among the accounts, in the given region;
 * undefined when no account lists it, a NotFoundError when it belongs to another region.
 */
export function resolveAdvertiser(
  configured: string,
  region: Region,
  accounts: AdvertiserAccount[],
): Omit<Installation['advertiser'], 'configured'> | undefined {
  const isEntity = configured.startsWith('ENTITY');
  const matches = accounts.flatMap((account) =>
    (account.alternateIds ?? [])
      .filter((alt) => (isEntity ? alt.entityId === configured : alt.dspAdvertiserId === configured))
      .map((alt) => ({ account, alt })),
  );
  const inRegion = matches.find((m) => m.alt.region === region && m.alt.dspAdvertiserId);
  if (!inRegion) {
    const elsewhere = matches.find((m) => m.alt.region && m.alt.region !== region);
    if (!elsewhere) return undefined;
    throw new NotFoundError(
      `Advertiser ${configured} belongs to the ${elsewhere.alt.region} region, but the profile is in ${region}. ${troubleshooting('404')}`,
    );
  }
  return {
    accountId: inRegion.alt.dspAdvertiserId!,
    entityId: inRegion.alt.entityId,
    advertiserAccountId: inRegion.account.advertiserAccountId,
    name: inRegion.account.displayName,
  };
}
