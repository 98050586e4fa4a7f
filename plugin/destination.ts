import { AmazonConnect } from './connect/amazon-connect.js';
import type { SharedTokens } from './state/shared-tokens.js';
import type { RequestPace } from './state/request-pace.js';
import { inject, injectable } from 'tsyringe';
import { Installer } from './install/installer.js';
import type { Installation } from './installation.js';
import { TOKENS } from './di/tokens.js';
import type { Clock } from './clock.js';
import { DEFAULT_PARTNER_NAME, type HostSettings } from './host-settings.js';
import { configuredCountry } from './transform/country.js';
import type { DeliveryItem, DeliveryReport, TransformResult } from './contracts.js';
import { InstallationScopes } from './di/installation-scopes.js';
import { BlueprintRegistry } from './transform/blueprint-registry.js';
import { TransformTables } from './transform/transform-tables.js';
import type { Blueprint } from './transform/model.js';
import { PluginTelemetry } from './telemetry/plugin-telemetry.js';
import { transformEvent, type Explanation, type TransformSettings } from './transform/transform-event.js';

/**
 * The Amazon DSP Events destination: the lifecycle hooks the host calls. Wired by tsyringe; build one with
 * `createDestination(options)`.
 */
@injectable()
export class Destination {
  /**
   * Each installation's transform settings, made on its first event: an installation is never changed (a config
   * change is a new revision, installed again, which gives a new object), so no event pays to rebuild them.
   */
  private readonly settings = new WeakMap<Installation, TransformSettings>();

  constructor(
    @inject(Installer) private readonly installer: Installer,
    @inject(BlueprintRegistry) private readonly blueprints: BlueprintRegistry,
    @inject(TOKENS.Clock) private readonly clock: Clock,
    @inject(InstallationScopes) private readonly scopes: InstallationScopes,
    @inject(TransformTables) private readonly tables: TransformTables,
    @inject(AmazonConnect) readonly connect: AmazonConnect,
    @inject(TOKENS.SharedTokens) private readonly sharedTokens: SharedTokens,
    @inject(TOKENS.RequestPace) private readonly pace: RequestPace,
    @inject(TOKENS.HostSettings) private readonly hostSettings: HostSettings,
    @inject(PluginTelemetry) private readonly telemetry: PluginTelemetry,
  ) {}

  /** Lets go of what the plugin holds open (the Redis connection of tokens and pace); call it when stopping. */
  async close(): Promise<void> {
    await Promise.all([this.sharedTokens.close(), this.pace.close()]);
  }

  /**
   * Called by the host when an operator installs the integration or changes its config (each change is a
   * new revision and is installed again).
   *
   * @param request the install body `{name, variant, config, delivery_mode}` (schemas/install-request.schema.json)
   * @returns the resolved `Installation` for the host to store; it holds the secrets delivery needs, so show
   *   only `maskInstallation(installation)`.
   * @throws ConfigError (`CONFIG_INVALID`) with every bad field, before any network call;
   *   AuthError (`AUTH_FAILED`), AccessDeniedError (`ACCESS_DENIED`), NotFoundError (`NOT_FOUND`) with the
   *   troubleshooting words of manifest.json; AmazonUnavailableError (`AMAZON_UNAVAILABLE`, retryable) when
   *   Amazon cannot be reached or answers 429 / 5xx; AmazonResponseError (`AMAZON_BAD_RESPONSE`) otherwise.
   */
  install(request: unknown): Promise<Installation> {
    return this.installer.install(request);
  }

  /**
   * Called by the host for every event that reaches this integration, before it is queued for delivery.
   * Pure and synchronous: no I/O, no logging; the same answer for the same event and clock.
   *
   * @param event a Signal canonical event (any JSON: nothing is assumed about its shape)
   * @param installation what `install` returned for this integration, never changed afterwards (its settings are
   *   read on its first event; a config change is a new installation)
   * @param options.explanation when given, filled with the blueprint entry that matched and the match key types
   * @param options.blueprint a blueprint to use instead of the variant's (the dry-run CLI's --blueprint)
   * @returns exactly one of `ok` (the Amazon event, valid against SPEC `EventCreate`), `filtered` (unmapped or
   *   disabled event, consent refused or missing; with a reason) or `invalid` (with a stable code, a message
   *   saying what to fix and the field).
   * @throws never, whatever the input
   */
  transform(
    event: unknown,
    installation: Installation,
    options?: { explanation?: Explanation; blueprint?: Blueprint },
  ): TransformResult {
    const settings = options?.blueprint
      ? this.settingsOf(installation, options.blueprint)
      : (this.settings.get(installation) ?? this.remember(installation));
    const result = transformEvent(event, settings, this.clock.now(), options?.explanation);
    this.telemetry.transformed(result); // counted here: the transform itself stays pure
    return result;
  }

  /**
   * How the installation authenticates and whether its token will keep working, for the host's token health:
   * `method` (a Connect with Amazon connection, refresh credentials, an API token or an access token alone),
   * whether it renews itself, when the current token expires (known after a renewal, else the latest moment a
   * token given alone can last) and when it was last renewed.
   */
  tokenHealth(installation: Installation): TokenHealth {
    const tokens = this.scopes.tokens(installation);
    const config = installation.config;
    const method = config.api_token
      ? 'api_token'
      : config.connection_id
        ? 'connection'
        : tokens.canRefresh
          ? 'refresh_token'
          : 'access_token';
    const expiresAt =
      tokens.expiry ?? (installation.tokenExpiresBy ? Date.parse(installation.tokenExpiresBy) : undefined);
    return {
      method,
      renews: method !== 'access_token',
      access_token_expires_at:
        method === 'api_token' || expiresAt === undefined ? null : new Date(expiresAt).toISOString(),
      last_refresh_at:
        tokens.lastRefreshAt === undefined ? null : new Date(tokens.lastRefreshAt).toISOString(),
    };
  }

  /**
   * Where the installation's blueprint reads personal data: the source paths of its match key rows, for a
   * host's views to hide (Live Events), whatever the allowlist of what it shows.
   */
  personalDataPaths(installation: Installation): string[] {
    const { blueprint } = this.settings.get(installation) ?? this.remember(installation);
    const paths = new Set<string>();
    for (const entry of blueprint.lookup.values())
      for (const row of entry.rows.matchKeys) for (const source of row.sources) paths.add(source);
    return [...paths];
  }

  private remember(installation: Installation): TransformSettings {
    const settings = this.settingsOf(installation);
    this.settings.set(installation, settings);
    return settings;
  }

  private settingsOf(installation: Installation, override?: Blueprint): TransformSettings {
    const { config } = installation;
    return {
      blueprint: this.blueprints.forInstallation(installation, override),
      region: installation.region,
      defaultCountry: configuredCountry(config.default_country),
      marketplaceCountry: configuredCountry(installation.profile.countryCode),
      defaultCurrency: installation.profile.currencyCode ?? config.default_currency,
      consentDefault: config.consent_default,
      dataSetName: config.data_set_name,
      dataSetId: config.data_set_id,
      limitedDataUse: config.limited_data_use,
      gpcScope: config.gpc_scope,
      partner: this.hostSettings.partnerName ?? DEFAULT_PARTNER_NAME,
      gppOptsOut: this.tables.gppOptsOut,
    };
  }

  /**
   * Called by the host's delivery workers with transformed events, each with the host's own id.
   *
   * Sends them to `POST {region host}/adsApi/v1/create/events` in batches of at most `batch_size` (≤500) events
   * and 1 MB, reads Amazon's per-event 207 answer, refreshes the access token once on a 401, honours
   * Retry-After on 429, retries 5xx and network failures with backoff within a bounded budget, splits a batch
   * on 413, and hands back what still fails as `retry` with a `retryAfterMs` hint for the host's queue.
   *
   * @returns one outcome per item, in the same order (`delivered`, `rejected` with Amazon's code, message and
   *   field, or `retry`), the requests made (for the Delivery Log) and `needsReconnect` when Amazon refused
   *   credentials the plugin cannot renew: those events come back as `retry` `AUTH_FAILED`, to wait for the
   *   operator to reconnect rather than be rejected.
   * @throws never for Amazon's answers or network failures: those are outcomes.
   */
  async deliver(items: readonly DeliveryItem[], installation: Installation): Promise<DeliveryReport> {
    const report = await this.scopes.deliverer(installation).deliver(items);
    this.telemetry.delivered(report.outcomes);
    return report;
  }
}

/** What `tokenHealth` answers. */
export interface TokenHealth {
  method: 'connection' | 'refresh_token' | 'api_token' | 'access_token';
  renews: boolean;
  access_token_expires_at: string | null;
  last_refresh_at: string | null;
}
