import { findVariant } from './catalog/manifest.js';
import type { AmazonDspConfig } from './config.js';
import type { Installation } from './installation.js';

/**
 * An installation built from config alone, without asking Amazon: for dry runs, which make no network call.
 * The region is the configured one (NA when absent); advertiser and profile are taken as configured.
 */
export function localInstallation(config: AmazonDspConfig, variant: string, now: number): Installation {
  const found = findVariant(variant);
  if (!found) throw new Error(`unknown variant ${variant}`);
  return {
    id: `local_${variant}`,
    catalogKey: 'amazon_dsp',
    name: 'Amazon DSP Events (dry run)',
    variant,
    blueprint: found.blueprint,
    region: config.region ?? 'NA',
    apiHost: '',
    clientId: config.client_id ?? '',
    clientIdSource: 'config',
    advertiser: { configured: config.advertiser_id, accountId: config.advertiser_id },
    profile: { profileId: config.profile_id ?? '', countryCode: config.default_country ?? '' },
    config,
    warnings: [],
    installedAt: new Date(now).toISOString(),
  };
}
