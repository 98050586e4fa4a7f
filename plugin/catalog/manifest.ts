import manifest from 'amazon-dsp-events/manifest.json' with { type: 'json' };

export interface ConfigField {
  key: string;
  label: string;
  type: 'string' | 'secret' | 'number' | 'boolean' | 'json';
  required: boolean;
  placeholder?: string;
  help_text?: string;
  options?: string[];
}

export interface Variant {
  key: string;
  name: string;
  description: string;
  blueprint: string;
  default_config: Record<string, unknown>;
}

export interface TroubleshootingEntry {
  key: string;
  status?: number;
  title: string;
  message: string;
}

/** The catalog entry the host's Integration Library renders (manifest.json). */
export interface Manifest {
  key: string;
  name: string;
  description: string;
  category: string;
  status: string;
  website: string;
  docs_url?: string;
  delivery_mode: 'server_side';
  version: string;
  entry_point: string;
  config_schema: string;
  config_fields: ConfigField[];
  variants: Variant[];
  troubleshooting: TroubleshootingEntry[];
}

/** manifest.json, the catalog entry (static data, part of the code: nothing is read at run time). */
export const MANIFEST = manifest as Manifest;

export function findVariant(key: string): Variant | undefined {
  return MANIFEST.variants.find((v) => v.key === key);
}

export type TroubleshootingKey = '401' | '403' | '404' | '429' | 'events_not_appearing';

/** The troubleshooting words of manifest.json, so errors and the UI say the same thing. */
export function troubleshooting(key: TroubleshootingKey): string {
  const entry = MANIFEST.troubleshooting.find((t) => t.key === key);
  if (!entry) throw new Error(`manifest.json has no troubleshooting entry ${key}`);
  return entry.message;
}
