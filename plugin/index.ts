import 'reflect-metadata';

export { Destination, type TokenHealth } from './destination.js';
export { createDestination, createPluginContainer, type PluginOptions } from './di/container.js';
export { TOKENS } from './di/tokens.js';
export type { Clock } from './clock.js';
export { hostSettingsFromEnv, regionHostsFromBase, type HostSettings } from './host-settings.js';
export { LWA_AUTHORIZE_URLS, REGIONS, type Region } from './constants.js';
export { createLogger, type Logger } from './logging/logger.js';
export { SecretRegistry } from './logging/secret-registry.js';
export { maskInstallation, type Installation, type Verification } from './installation.js';
export { maskConfig, CONFIG_SCHEMA, SECRET_KEYS, MASK, type AmazonDspConfig } from './config.js';
export { redactValue, redactText } from './logging/redact.js';
export type { DeliverySettings } from './deliver/delivery-settings.js';
export type { Explanation } from './transform/transform-event.js';
export { QualityTally, type CountedOutcome, type Metric } from './quality/quality-tally.js';
export {
  qualityFigures,
  qualityAlerts,
  scoreOf,
  ratingOf,
  RATINGS,
  TOTALS,
  type QualityFigures,
  type QualityAlert,
  type EventQuality,
  type Rating,
  type Recommendation,
} from './quality/quality-report.js';
export { MATCH_KEY_TYPES, CONSENT_CLASSES, MATCH_KEY_WEIGHTS } from './quality/match-score.js';
export type { AmazonConnect, ConnectionProfile, ConnectionAdvertiser } from './connect/amazon-connect.js';
export type { RefreshCredentials } from './auth/lwa-client.js';
export { MANIFEST, findVariant, type Manifest } from './catalog/manifest.js';
export { TELEMETRY_SCOPE, TELEMETRY_NAMES } from './telemetry/telemetry-names.js';
export * from './errors.js';
export type * from './contracts.js';
export type * from './amazon/event-types.js';
