import type { Region } from './constants.js';
import type { EventEntry } from './transform/model.js';
import configSchema from 'amazon-dsp-events/schemas/config.schema.json' with { type: 'json' };

/** The install config, as schemas/config.schema.json defines it (a test keeps the two in step). */
export interface AmazonDspConfig {
  advertiser_id: string;
  /** Absent only in API-token mode (`api_token`), which looks up no profile. */
  profile_id?: string;
  /** Absent only in API-token mode (`api_token`), which needs no Login with Amazon. */
  access_token?: string;
  client_id?: string;
  client_secret?: string;
  refresh_token?: string;
  /** A host's "Connect with Amazon" connection; the host fills the tokens above from it before install. */
  connection_id?: string;
  manager_account_id?: string;
  api_token?: string;
  data_set_id?: string;
  region?: Region;
  data_set_name?: string;
  default_country?: string;
  default_currency?: string;
  batch_size?: number;
  limited_data_use?: boolean;
  consent_default?: 'geo_only' | 'denied';
  gpc_scope?: 'us' | 'everywhere';
  custom_events?: Record<string, EventEntry>;
}

interface JsonSchemaObject {
  properties: Record<string, { writeOnly?: boolean; title?: string; type?: string; enum?: string[] }>;
  required?: string[];
}

/** schemas/config.schema.json (static data, part of the code: nothing is read at run time). */
export const CONFIG_SCHEMA = configSchema as JsonSchemaObject;

/** Config keys the schema marks `writeOnly`: the one flag redaction, masking and the UI all read. */
export const SECRET_KEYS: ReadonlySet<string> = new Set(
  Object.entries(CONFIG_SCHEMA.properties)
    .filter(([, p]) => p.writeOnly === true)
    .map(([k]) => k),
);

export const MASK = '***';

/** A copy of `config` with every secret replaced by `***`, for anything shown or printed. */
export function maskConfig<T extends object>(config: T): T {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(config)) out[k] = SECRET_KEYS.has(k) && v !== undefined ? MASK : v;
  return out as T;
}
