import type { SchemaRegistry } from '../schemas/schema-registry.js';
import type { AmazonDspConfig } from '../config.js';
import { MANIFEST, findVariant } from '../catalog/manifest.js';
import { ConfigError, type FieldError } from '../errors.js';

export interface ValidInstallRequest {
  name: string;
  variant: string;
  config: AmazonDspConfig;
  clientId: string;
  clientIdSource: 'config' | 'host';
}

/**
 * Checks an install request completely before anything is sent: the body, every config field, the variant
 * and that some LWA client id is available. Throws one `ConfigError` listing every problem.
 */
export function validateInstallRequest(
  request: unknown,
  schemas: SchemaRegistry,
  platformClientId: string | undefined,
): ValidInstallRequest {
  const errors: FieldError[] = schemas.validate('installRequest', request);
  const body = (typeof request === 'object' && request !== null ? request : {}) as Record<string, unknown>;
  const config = body.config;
  const configIsObject = typeof config === 'object' && config !== null && !Array.isArray(config);
  if (configIsObject) errors.push(...schemas.validate('config', config, 'config'));
  if (typeof body.variant === 'string' && body.variant && !findVariant(body.variant)) {
    errors.push({
      field: 'variant',
      message: `must be one of ${MANIFEST.variants.map((v) => v.key).join(', ')}`,
    });
  }
  const typed = (config ?? {}) as Partial<AmazonDspConfig>;
  const clientId = typed.client_id ?? platformClientId;
  // An API token is sent alone, with no client id (events-api.md §2; Amazon's tag: "Does not require a client ID").
  const apiTokenMode = typed.api_token !== undefined;
  if (configIsObject && !clientId && !apiTokenMode && !errors.some((e) => e.field === 'config.client_id')) {
    errors.push({
      field: 'config.client_id',
      message:
        "is required: Amazon needs a Login with Amazon client id on every call. Enter your application's client id, or set AMAZON_ADS_CLIENT_ID on the host",
    });
  }
  // A connection is the host's: it gives the integration its tokens before install. Reaching the plugin
  // without them, it cannot be used.
  if (configIsObject && typed.connection_id !== undefined && !typed.access_token)
    errors.push({
      field: 'config.connection_id',
      message:
        'is resolved by the host that made the connection (Connect with Amazon); this host did not, so send access_token instead',
    });
  if (errors.length > 0) throw new ConfigError(errors);
  return {
    name: typeof body.name === 'string' ? body.name : MANIFEST.name,
    variant: body.variant as string,
    config: config as AmazonDspConfig,
    clientId: clientId ?? '',
    clientIdSource: typed.client_id || !clientId ? 'config' : 'host',
  };
}
