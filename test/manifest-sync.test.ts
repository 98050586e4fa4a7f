import { MANIFEST } from '../plugin/catalog/manifest.js';
import { CONFIG_SCHEMA, SECRET_KEYS } from '../plugin/config.js';
import packageJson from '../package.json' with { type: 'json' };

const schemaKeys = Object.keys(CONFIG_SCHEMA.properties);
const fieldType = (key: string): string => {
  const p = CONFIG_SCHEMA.properties[key]!;
  if (p.writeOnly) return 'secret';
  const types: Record<string, string> = {
    integer: 'number',
    number: 'number',
    boolean: 'boolean',
    object: 'json',
  };
  return types[p.type ?? ''] ?? 'string';
};

describe('manifest.json and config.schema.json say the same thing', () => {
  test('the same keys in the same order', () => {
    expect(MANIFEST.config_fields.map((f) => f.key)).toEqual(schemaKeys);
  });

  test.each(MANIFEST.config_fields.map((f) => [f.key, f] as const))(
    '%s: required, type, label and options agree',
    (key, field) => {
      expect(field.required).toBe((CONFIG_SCHEMA.required ?? []).includes(key));
      expect(field.type).toBe(fieldType(key));
      expect(field.label).toBe(CONFIG_SCHEMA.properties[key]!.title);
      expect(field.options).toEqual(CONFIG_SCHEMA.properties[key]!.enum);
      expect(field.help_text?.length ?? 0).toBeGreaterThan(10);
    },
  );

  test('secrets are the writeOnly fields: access token, client secret, refresh token, API token', () => {
    expect([...SECRET_KEYS].sort()).toEqual(['access_token', 'api_token', 'client_secret', 'refresh_token']);
  });

  test('the catalog entry is a server-side advertising integration keyed amazon_dsp', () => {
    expect(MANIFEST).toMatchObject({
      key: 'amazon_dsp',
      name: 'Amazon DSP Events',
      category: 'advertising',
      delivery_mode: 'server_side',
    });
    expect(MANIFEST.version).toBe(packageJson.version);
    expect(MANIFEST.entry_point).toBe(packageJson.main);
  });

  test('each variant has default config the schema knows', () => {
    for (const v of MANIFEST.variants) {
      for (const key of Object.keys(v.default_config)) expect(schemaKeys).toContain(key);
    }
  });

  test('the troubleshooting table covers 401, 403, 404, 429 and events not appearing', () => {
    expect(MANIFEST.troubleshooting.map((t) => t.key)).toEqual([
      '401',
      '403',
      '404',
      '429',
      'events_not_appearing',
    ]);
  });
});
