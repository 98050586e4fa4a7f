/**
 * The package root (`import … from 'amazon-dsp-events'`): what a host needs, each name documented in
 * docs/host-contract.md ("What the root exports"; a test holds the table to this list). The reference host,
 * the CLI and the sandbox import the rest of plugin/ by path.
 */
import 'reflect-metadata';

export { Destination, type TokenHealth } from './destination.js';
export { createDestination, type PluginOptions } from './di/container.js';
export { TOKENS } from './di/tokens.js';
export type { Clock } from './clock.js';
export { hostSettingsFromEnv, type HostSettings } from './host-settings.js';
export { REGIONS, type Region } from './constants.js';
export { createLogger, type Logger } from './logging/logger.js';
export { SecretRegistry } from './logging/secret-registry.js';
export { maskInstallation, type Installation, type Verification } from './installation.js';
export { maskConfig, CONFIG_SCHEMA, SECRET_KEYS, MASK, type AmazonDspConfig } from './config.js';
export { redactValue } from './logging/redact.js';
export type { DeliverySettings } from './deliver/delivery-settings.js';
export type { Explanation } from './transform/transform-event.js';
export type { CountedOutcome, Metric } from './quality/quality-tally.js';
export type {
  QualityFigures,
  QualityAlert,
  EventQuality,
  Rating,
  Recommendation,
} from './quality/quality-report.js';
export type { AmazonConnect, ConnectionProfile, ConnectionAdvertiser } from './connect/amazon-connect.js';
export type { RefreshCredentials } from './auth/lwa-client.js';
export { MANIFEST, findVariant, type Manifest } from './catalog/manifest.js';
export { TELEMETRY_SCOPE, TELEMETRY_NAMES } from './telemetry/telemetry-names.js';
export * from './errors.js';
export type * from './contracts.js';
export type * from './amazon/event-types.js';
