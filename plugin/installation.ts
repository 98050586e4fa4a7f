import type { AmazonDspConfig } from './config.js';
import { maskConfig } from './config.js';
import type { Region } from './constants.js';

/**
 * What `install` resolves and the host stores: everything delivery needs, so delivery makes no lookups.
 * `config` keeps the secrets (delivery needs them); print only `maskInstallation(installation)`.
 */
export interface Installation {
  id: string;
  catalogKey: 'amazon_dsp';
  name: string;
  variant: string;
  /** Path of the variant's blueprint inside the package. */
  blueprint: string;
  region: Region;
  /** The region's Ads API host at install time (informational: delivery asks the host settings again). */
  apiHost: string;
  /** LWA client id sent as Amazon-Ads-ClientId, and where it came from. */
  clientId: string;
  clientIdSource: 'config' | 'host';
  advertiser: {
    /** As the operator typed it. */
    configured: string;
    /** Numeric DSP advertiser id, sent as Amazon-Ads-AccountId. */
    accountId: string;
    entityId?: string;
    advertiserAccountId?: string;
    name?: string;
  };
  profile: {
    profileId: string;
    countryCode: string;
    currencyCode?: string;
    timezone?: string;
    type?: string;
  };
  config: AmazonDspConfig;
  /**
   * When the plugin cannot renew the access token (no refresh credentials): the latest it stops working, an
   * hour after the install at most, since Login with Amazon's tokens last an hour from their issue.
   */
  tokenExpiresBy?: string;
  /**
   * Whether install saw the advertiser listed among the accounts the credentials reach (`verified`), or only
   * found Amazon not refusing it (`unverified`: a mistyped id looks the same). The host marks it verified when
   * Amazon accepts its first batch, except in API-token mode, where the advertiser id is never sent to Amazon
   * and stays `unverified`. Installations stored before this field existed read as verified.
   */
  verification?: Verification;
  /** Things worth an operator's attention that did not stop the install. */
  warnings: string[];
  installedAt: string;
}

export type Verification = 'verified' | 'unverified';

/** The installation as it may be printed, logged or returned by an API: secrets masked. */
export function maskInstallation(installation: Installation): Installation {
  return { ...installation, config: maskConfig(installation.config) };
}
