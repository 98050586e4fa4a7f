import 'reflect-metadata';
import { container as rootContainer, type DependencyContainer } from 'tsyringe';
import { TOKENS } from './tokens.js';
import type { HostSettings } from '../host-settings.js';
import { systemClock, type Clock } from '../clock.js';
import { createLogger, type Logger } from '../logging/logger.js';
import { SecretRegistry } from '../logging/secret-registry.js';
import { SchemaRegistry } from '../schemas/schema-registry.js';
import { createAmazonHttp, type AmazonHttp } from '../amazon/http.js';
import { Destination } from '../destination.js';
import { DEFAULT_DELIVERY_SETTINGS, type DeliverySettings } from '../deliver/delivery-settings.js';
import { BlueprintRegistry } from '../transform/blueprint-registry.js';
import { TransformTables } from '../transform/transform-tables.js';
import { InstallationScopes, type DelivererFactory } from './installation-scopes.js';
import { TokenProvider } from '../auth/token-provider.js';
import { AdvertiserLimiter } from '../deliver/advertiser-limiter.js';
import { Deliverer } from '../deliver/deliverer.js';
import { LocalTokens, RedisTokens } from '../state/shared-tokens.js';
import { RedisConnection } from '../state/redis-connection.js';
import { LocalPace } from '../state/request-pace.js';
import { RedisPace } from '../state/redis-pace.js';
import { metrics, trace, type Meter, type Tracer } from '@opentelemetry/api';
import { PluginTelemetry } from '../telemetry/plugin-telemetry.js';
import { TELEMETRY_SCOPE } from '../telemetry/telemetry-names.js';
import { MANIFEST } from '../catalog/manifest.js';

export interface PluginOptions {
  hostSettings: HostSettings;
  logger?: Logger;
  clock?: Clock;
  http?: AmazonHttp;
  secrets?: SecretRegistry;
  delivery?: Partial<DeliverySettings>;
  /** Where the plugin's metrics go (default: `metrics.getMeter('amazon-dsp-events', version)`, a no-op without an SDK). */
  meter?: Meter;
  /** Where its spans go (default: `trace.getTracer('amazon-dsp-events', version)`). */
  tracer?: Tracer;
}

/**
 * The composition root: a container of its own per plugin instance (never the global one), with every
 * interface bound to an explicit token.
 */
export function createPluginContainer(options: PluginOptions): DependencyContainer {
  const c = rootContainer.createChildContainer();
  const secrets = options.secrets ?? new SecretRegistry();
  c.register(TOKENS.HostSettings, { useValue: options.hostSettings });
  c.register(TOKENS.Secrets, { useValue: secrets });
  c.register(TOKENS.Clock, { useValue: options.clock ?? systemClock });
  const logger = options.logger ?? createLogger({ secrets });
  c.register(TOKENS.Logger, { useValue: logger });
  // What several delivery processes share: through one Redis connection when a URL is set, else nothing.
  const url = options.hostSettings.stateRedisUrl;
  const redis = url ? new RedisConnection(url, logger) : undefined;
  const now = () => (options.clock ?? systemClock).now();
  c.register(TOKENS.SharedTokens, { useValue: redis ? new RedisTokens(redis) : new LocalTokens() });
  c.register(TOKENS.RequestPace, { useValue: redis ? new RedisPace(redis, now) : new LocalPace(now) });
  c.register(TOKENS.Http, { useValue: options.http ?? createAmazonHttp(options.hostSettings) });
  c.register(TOKENS.DeliverySettings, { useValue: { ...DEFAULT_DELIVERY_SETTINGS, ...options.delivery } });
  c.register(TOKENS.DelivererFactory, { useValue: delivererFactory(c) });
  // Asked for here, when a plugin is made, never at import: the host registers its SDK first, or injects its own.
  const meter = options.meter ?? metrics.getMeter(TELEMETRY_SCOPE, MANIFEST.version);
  const tracer = options.tracer ?? trace.getTracer(TELEMETRY_SCOPE, MANIFEST.version);
  c.register(TOKENS.Meter, { useValue: meter });
  c.register(TOKENS.Tracer, { useValue: tracer });
  c.register(PluginTelemetry, { useValue: new PluginTelemetry(meter, tracer) });
  c.register(SchemaRegistry, { useValue: new SchemaRegistry() });
  c.register(TransformTables, { useValue: new TransformTables() });
  c.registerSingleton(BlueprintRegistry);
  c.registerSingleton(InstallationScopes);
  return c;
}

/**
 * Each installation's deliverer in a child container of its own, holding the installation, its token provider
 * and its advertiser's limiter; everything else comes from the plugin's container.
 */
function delivererFactory(c: DependencyContainer): DelivererFactory {
  return (installation, tokens, limiter) => {
    const child = c.createChildContainer();
    child.register(TOKENS.Installation, { useValue: installation });
    child.register(TokenProvider, { useValue: tokens });
    child.register(AdvertiserLimiter, { useValue: limiter });
    return child.resolve(Deliverer);
  };
}

/** A ready `Destination` for the host. */
export function createDestination(options: PluginOptions): Destination {
  return createPluginContainer(options).resolve(Destination);
}
