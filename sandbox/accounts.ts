/**
 * The sandbox's accounts. The demo account accepts the seed's example install values verbatim
 * (ENTITY1234ABCD, profile 1234567890, access token `Atza|IwEBIA...`), a US agency profile in NA.
 * The test account has refreshable credentials and one profile per region, the EU one with an id beyond 2^53.
 */

export type SandboxRegion = 'NA' | 'EU' | 'FE';

export interface SandboxProfile {
  profileId: string;
  countryCode: string;
  currencyCode: string;
  timezone: string;
  region: SandboxRegion;
  accountInfo: {
    marketplaceStringId: string;
    id: string;
    type: 'agency' | 'seller' | 'vendor';
    name: string;
    validPaymentMethod: boolean;
  };
}

export interface SandboxAlternateId {
  countryCode: string;
  region: SandboxRegion;
  profileId: string;
  entityId: string;
  dspAdvertiserId: string;
}

export interface SandboxAccount {
  key: string;
  /** LWA application of this account. */
  clientId: string;
  clientSecret: string;
  refreshToken: string;
  /** Access tokens that work until revoked (never expire by time). */
  staticAccessTokens: string[];
  /** A token of this account is refused with 403 on DSP calls (no Events Manager access). */
  forbidden?: boolean;
  /**
   * Manager accounts (`amzn1.ads1.ma1.…`, sent as Amazon-Ads-Manager-AccountId in place of an advertiser:
   * events-api.md §2) and the DSP advertisers each manages.
   */
  managerAccounts?: Array<{ managerAccountId: string; dspAdvertiserIds: string[] }>;
  /**
   * API tokens (`amzn_ads|…`, sent as Amazon-Advertising-API-Token in place of Bearer and client id: §2), each
   * bound to one manager account and one dataset, whose id every event must carry as `dataSetId`.
   */
  apiTokens?: Array<{ token: string; managerAccountId: string; dataSetId: string }>;
  profiles: SandboxProfile[];
  advertiserAccounts: Array<{
    advertiserAccountId: string;
    displayName: string;
    currencyCode: string;
    isGlobalAccount: boolean;
    alternateIds: SandboxAlternateId[];
  }>;
}

export const DEMO_ACCOUNT: SandboxAccount = {
  key: 'demo',
  clientId: 'amzn1.application-oa2-client.sandboxdemo',
  clientSecret: 'amzn1.oa2-cs.v1.sandbox-demo-secret',
  refreshToken: 'Atzr|sandbox-demo-refresh-token',
  staticAccessTokens: ['Atza|IwEBIA...'],
  profiles: [
    {
      profileId: '1234567890',
      countryCode: 'US',
      currencyCode: 'USD',
      timezone: 'America/Los_Angeles',
      region: 'NA',
      accountInfo: {
        marketplaceStringId: 'ATVPDKIKX0DER',
        id: 'ENTITY1234ABCD',
        type: 'agency',
        name: 'Demo Outdoor Co',
        validPaymentMethod: true,
      },
    },
  ],
  advertiserAccounts: [
    {
      advertiserAccountId: 'amzn1.ads-account.g.sandboxdemo0001',
      displayName: 'Demo Outdoor Co',
      currencyCode: 'USD',
      isGlobalAccount: true,
      alternateIds: [
        {
          countryCode: 'US',
          region: 'NA',
          profileId: '1234567890',
          entityId: 'ENTITY1234ABCD',
          dspAdvertiserId: '5830921746193',
        },
      ],
    },
  ],
};

export const TEST_ACCOUNT: SandboxAccount = {
  key: 'test',
  clientId: 'amzn1.application-oa2-client.sandboxtest',
  clientSecret: 'amzn1.oa2-cs.v1.sandbox-test-secret',
  refreshToken: 'Atzr|sandbox-test-refresh-token',
  staticAccessTokens: ['Atza|sandbox-test-static-token'],
  profiles: [
    {
      profileId: '2000000001',
      countryCode: 'US',
      currencyCode: 'USD',
      timezone: 'America/New_York',
      region: 'NA',
      accountInfo: {
        marketplaceStringId: 'ATVPDKIKX0DER',
        id: 'ENTITYTESTNA01',
        type: 'agency',
        name: 'Test Goods US',
        validPaymentMethod: true,
      },
    },
    {
      profileId: '3874020091928374651',
      countryCode: 'DE',
      currencyCode: 'EUR',
      timezone: 'Europe/Berlin',
      region: 'EU',
      accountInfo: {
        marketplaceStringId: 'A1PA6795UKMFR9',
        id: 'ENTITYTESTEU01',
        type: 'agency',
        name: 'Test Goods DE',
        validPaymentMethod: true,
      },
    },
    {
      profileId: '3300000001',
      countryCode: 'JP',
      currencyCode: 'JPY',
      timezone: 'Asia/Tokyo',
      region: 'FE',
      accountInfo: {
        marketplaceStringId: 'A1VC38T7YXB528',
        id: 'ENTITYTESTFE01',
        type: 'agency',
        name: 'Test Goods JP',
        validPaymentMethod: true,
      },
    },
  ],
  managerAccounts: [
    { managerAccountId: 'amzn1.ads1.ma1.sandboxtest', dspAdvertiserIds: ['4728736040201', '6100000000001'] },
  ],
  apiTokens: [
    {
      token: 'amzn_ads|sandbox-test-api-token',
      managerAccountId: 'amzn1.ads1.ma1.sandboxtest',
      dataSetId: 'amzn1.adm.ds1.evnt1.sandboxtest',
    },
  ],
  advertiserAccounts: [
    {
      advertiserAccountId: 'amzn1.ads-account.g.sandboxtest0001',
      displayName: 'Test Goods',
      currencyCode: 'USD',
      isGlobalAccount: true,
      alternateIds: [
        {
          countryCode: 'US',
          region: 'NA',
          profileId: '2000000001',
          entityId: 'ENTITYTESTNA01',
          dspAdvertiserId: '4728736040201',
        },
        {
          countryCode: 'DE',
          region: 'EU',
          profileId: '3874020091928374651',
          entityId: 'ENTITYTESTEU01',
          dspAdvertiserId: '520724305968518499',
        },
        {
          countryCode: 'JP',
          region: 'FE',
          profileId: '3300000001',
          entityId: 'ENTITYTESTFE01',
          dspAdvertiserId: '9900000000001',
        },
      ],
    },
    {
      // Not global: the query with isGlobalAccountFilter include [true] does not list it.
      advertiserAccountId: 'amzn1.ads-account.g.sandboxtestlocal',
      displayName: 'Test Goods Local',
      currencyCode: 'USD',
      isGlobalAccount: false,
      alternateIds: [
        {
          countryCode: 'US',
          region: 'NA',
          profileId: '2000000001',
          entityId: 'ENTITYTESTLOCAL',
          dspAdvertiserId: '6100000000001',
        },
      ],
    },
  ],
};

/** A token whose account has no DSP / Events Manager access: profiles answer, DSP calls get 403. */
export const FORBIDDEN_ACCOUNT: SandboxAccount = {
  key: 'forbidden',
  clientId: 'amzn1.application-oa2-client.sandboxforbidden',
  clientSecret: 'amzn1.oa2-cs.v1.sandbox-forbidden-secret',
  refreshToken: 'Atzr|sandbox-forbidden-refresh-token',
  staticAccessTokens: ['Atza|sandbox-no-dsp-access'],
  forbidden: true,
  profiles: [{ ...DEMO_ACCOUNT.profiles[0]!, profileId: '1111111111' }],
  advertiserAccounts: [],
};

export const SANDBOX_ACCOUNTS: readonly SandboxAccount[] = [DEMO_ACCOUNT, TEST_ACCOUNT, FORBIDDEN_ACCOUNT];

/** The install config keys for an account, the way `sandbox` prints them. */
export function credentialsOf(
  account: SandboxAccount,
  profileIndex = 0,
  extra: Record<string, string> = {},
): Record<string, string> {
  const profile = account.profiles[profileIndex]!;
  return {
    advertiser_id: profile.accountInfo.id,
    profile_id: profile.profileId,
    access_token: account.staticAccessTokens[0]!,
    client_id: account.clientId,
    client_secret: account.clientSecret,
    refresh_token: account.refreshToken,
    ...extra,
  };
}
