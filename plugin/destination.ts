import { inject, injectable } from 'tsyringe';
import { Installer } from './install/installer.js';
import type { Installation } from './installation.js';

/**
 * The Amazon DSP Events destination: the lifecycle hooks the host calls. Wired by tsyringe; build one with
 * `createDestination(options)`.
 */
@injectable()
export class Destination {
  constructor(@inject(Installer) private readonly installer: Installer) {}

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
}
