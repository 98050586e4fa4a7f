import { startHarness, SEED_INSTALL, type Harness } from './support/plugin-harness.js';
import { ConfigError } from '../plugin/errors.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ settings: { platformClientId: undefined } });
});
afterAll(() => h.close());

const base = { ...SEED_INSTALL.config, client_id: 'amzn1.application-oa2-client.sandboxdemo' };
const install = (body: unknown) => h.destination.install(body);

async function fieldErrors(body: unknown): Promise<string[]> {
  try {
    await install(body);
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return (e as ConfigError).fields.map((f) => `${f.field}: ${f.message}`);
  }
  throw new Error('expected a ConfigError');
}

describe('install request and config validation: one plain sentence per bad field, before any network call', () => {
  test.each<[string, unknown, string[]]>([
    ['a body that is not an object', 'hello', ['(root): must be an object']],
    ['an empty body', {}, ['variant: is required', 'config: is required']],
    [
      'an empty config',
      { variant: 'default', config: {} },
      [
        'config.access_token: is required (or connection_id, from Connect with Amazon), unless api_token is set',
        'config.profile_id: is required',
        'config.advertiser_id: is required',
        "config.client_id: is required: Amazon needs a Login with Amazon client id on every call. Enter your application's client id, or set AMAZON_ADS_CLIENT_ID on the host",
      ],
    ],
    [
      'a profile id that is not numeric',
      { variant: 'default', config: { ...base, profile_id: '12ab' } },
      [
        'config.profile_id: must be a numeric string of up to 20 digits (send it as a string: profile ids can exceed 2^53)',
      ],
    ],
    [
      'a profile id sent as a number',
      { variant: 'default', config: { ...base, profile_id: 1234567890 } },
      ['config.profile_id: must be a string'],
    ],
    [
      'an advertiser id that is neither numeric nor ENTITY',
      { variant: 'default', config: { ...base, advertiser_id: 'adv-42' } },
      [
        'config.advertiser_id: must be a numeric DSP advertiser id (e.g. 4728736040201) or an entity id starting with ENTITY',
      ],
    ],
    [
      'an empty access token',
      { variant: 'default', config: { ...base, access_token: '' } },
      [
        'config.access_token: must not be empty',
        'config.access_token: must be a Login with Amazon access token (Atza|…) without spaces',
      ],
    ],
    [
      'an unknown field',
      { variant: 'default', config: { ...base, pixel_id: '1' } },
      ['config.pixel_id: is not a known field'],
    ],
    [
      'an unknown region',
      { variant: 'default', config: { ...base, region: 'US' } },
      ['config.region: must be one of NA, EU, FE'],
    ],
    [
      'a data set name with spaces',
      { variant: 'default', config: { ...base, data_set_name: 'my data' } },
      ['config.data_set_name: must start with a letter and hold 5 to 100 letters, digits, _ or -'],
    ],
    [
      "a batch size above Amazon's 500",
      { variant: 'default', config: { ...base, batch_size: 501 } },
      ['config.batch_size: must be <= 500'],
    ],
    [
      'a lower-case default country',
      { variant: 'default', config: { ...base, default_country: 'us' } },
      ['config.default_country: must be an ISO 3166-1 alpha-2 country code in capitals, e.g. US'],
    ],
    [
      'a client secret without a refresh token',
      { variant: 'default', config: { ...base, client_secret: 'amzn1.oa2-cs.v1.x' } },
      ['config.refresh_token: is required when client_secret is set'],
    ],
    [
      'a refresh token without a client id or secret',
      { variant: 'default', config: { ...SEED_INSTALL.config, refresh_token: 'Atzr|x' } },
      [
        'config.client_secret: is required when refresh_token is set',
        'config.client_id: is required when refresh_token is set',
      ],
    ],
    [
      'a client id that is not an LWA client id',
      { variant: 'default', config: { ...base, client_id: 'my-app' } },
      ['config.client_id: must be a Login with Amazon client id (amzn1.application-oa2-client.…)'],
    ],
    [
      'an unknown variant',
      { variant: 'retail', config: base },
      ['variant: must be one of default, offline, mobile_app'],
    ],
    [
      'a client-side delivery mode',
      { variant: 'default', config: base, delivery_mode: 'client_side' },
      ['delivery_mode: must be server_side: Amazon DSP Events delivers server to server only'],
    ],
    [
      'an unknown top-level field',
      { variant: 'default', config: base, enabled: true },
      ['enabled: is not a known field'],
    ],
  ])('%s', async (_label, body, expected) => {
    expect(await fieldErrors(body)).toEqual(expected);
    expect(h.sandbox.counters.requests).toBe(0);
  });

  test('the error message lists every field and carries no secret value', async () => {
    try {
      await install({
        variant: 'default',
        config: { ...base, access_token: 'has a space', profile_id: 'x' },
      });
    } catch (e) {
      const error = e as ConfigError;
      expect(error.code).toBe('CONFIG_INVALID');
      expect(error.retryable).toBe(false);
      expect(error.message).toContain('config.profile_id');
      expect(error.message).toContain('config.access_token');
      expect(error.message).not.toContain('has a space');
      return;
    }
    throw new Error('expected a ConfigError');
  });
});
