import { randomUUID } from 'node:crypto';
import { findVariant } from '../catalog/manifest.js';
import type { Installation } from '../installation.js';
import type { Region } from '../constants.js';
import type { ValidInstallRequest } from './validate-install-request.js';

/**
 * Whether a config sends with an Amazon Ads API token (`api_token`): API-token mode. Such a token is bound to
 * one dataset of a manager account and needs no Login with Amazon, so install looks nothing up: the schema
 * asks for the region and the numeric advertiser id instead of a profile and an access token, as Amazon's own
 * server-side tag does (events-api.md §2).
 */
export const isApiTokenMode = (config: { api_token?: string }): boolean => config.api_token !== undefined;

/** What every installation starts with, whichever way it was installed: a new id, the request's choices. */
export function installationBase(valid: ValidInstallRequest, region: Region, host: string) {
  return {
    id: `inst_${randomUUID()}`,
    catalogKey: 'amazon_dsp',
    name: valid.name,
    variant: valid.variant,
    blueprint: findVariant(valid.variant)!.blueprint,
    region,
    apiHost: host,
    clientId: valid.clientId,
    clientIdSource: valid.clientIdSource,
  } satisfies Partial<Installation>;
}

/**
 * The installation of an API-token config, taken as configured once Amazon has taken the token for the
 * manager account (the installer checks that): no profile, so no marketplace country or currency; events
 * carry `dataSetId` and no `dataSetName`. The advertiser id is never sent to Amazon in this mode (the token is
 * bound to a dataset, requests name the manager account), so nothing can confirm it: the installation is
 * `unverified` for good, with a warning saying so.
 */
export function apiTokenInstallation(
  valid: ValidInstallRequest,
  host: string,
  installedAt: number,
): Installation {
  const { config } = valid;
  const region = config.region as Region;
  return {
    ...installationBase(valid, region, host),
    advertiser: { configured: config.advertiser_id, accountId: config.advertiser_id },
    profile: { profileId: config.profile_id ?? '', countryCode: '' },
    config,
    verification: 'unverified',
    warnings: [
      `API-token mode cannot check advertiser ${config.advertiser_id}: Amazon is never sent the advertiser id with an API token (the token is bound to its dataset, requests name the manager account), so the installation stays unverified. Check that the id is the advertiser the dataset belongs to.`,
    ],
    installedAt: new Date(installedAt).toISOString(),
  };
}
