/** The Amazon Ads Events API event, as SPEC `EventCreate` defines it (the fields this plugin sends). */

export type ConversionType =
  | 'ADD_TO_SHOPPING_CART'
  | 'APPLICATION'
  | 'CHECKOUT'
  | 'CONTACT'
  | 'LEAD'
  | 'MOBILE_APP_FIRST_START'
  | 'OFF_AMAZON_PURCHASES'
  | 'OTHER'
  | 'PAGE_VIEW'
  | 'SEARCH'
  | 'SIGN_UP'
  | 'SUBSCRIBE';

export type EventSource =
  'WEBSITE' | 'ANDROID' | 'IOS' | 'FIRE_TV' | 'OFFLINE' | 'MEASUREMENT_ATTRIBUTION_PARTNER';

export type MatchKeyType =
  | 'EMAIL'
  | 'PHONE'
  | 'FIRST_NAME'
  | 'LAST_NAME'
  | 'ADDRESS'
  | 'CITY'
  | 'STATE'
  | 'POSTAL'
  | 'MAID'
  | 'RAMP_ID'
  | 'MATCH_ID'
  | 'REAL_ID'
  | 'MERKLE_ID'
  | 'KANTAR_ID'
  | 'FIP';

export type ConsentStatus = 'GRANTED' | 'DENIED';

export interface AmazonConsent {
  geo?: { ipAddress: string };
  amazonConsent?: { amznUserData: ConsentStatus; amznAdStorage?: ConsentStatus };
  tcf?: string;
  gpp?: string;
}

export interface AmazonEvent {
  eventDescription: {
    name: string;
    conversionType: ConversionType;
    eventSource: EventSource;
    eventIngestionMethod: 'SERVER_TO_SERVER';
    dataSetName?: string;
  };
  countryCode: string;
  eventTime: string;
  matchKeys: Array<{ type: MatchKeyType; values: [string] }>;
  value?: number;
  currencyCode?: string;
  unitsSold?: number;
  eventId?: string;
  consent?: AmazonConsent;
  customData?: Array<{ name: string; value: string; dataType?: 'STRING' | 'INTEGER' | 'TIMESTAMP' }>;
  dataProcessingOptions?: { options: 'LIMITED_DATA_USE' };
  deviceInfo?: { userAgent: string };
  amazonAdEventKey?: string;
  arefMeasurementTokens?: string;
  partner?: string;
  /** The dataset of an API token (events-api.md §2: GTM; not in SPEC EventCreate, which allows it). */
  dataSetId?: string;
}
