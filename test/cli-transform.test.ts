import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli } from './support/run-cli.js';
import { SEED_EVENT, seedWith } from './support/transform-harness.js';
import { errorsAgainst } from './support/amazon-openapi.js';
import { tempDirForFile } from './support/temp-dir.js';

const dir = tempDirForFile('amazon-dsp-transform-');
const write = (name: string, text: string) => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};
const config = write(
  'config.json',
  JSON.stringify({
    advertiser_id: 'ENTITY1234ABCD',
    profile_id: '1234567890',
    access_token: 'Atza|IwEBIA...',
  }),
);
const NOW = ['--now', '2026-02-26T12:00:00Z'];
const lines = (stdout: string) =>
  stdout
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));

describe('npx amazon-dsp-events transform (dry run)', () => {
  test("turns the seed's canonical event into a valid OFF_AMAZON_PURCHASES event with hashed match keys", async () => {
    const events = write('seed.ndjson', `${JSON.stringify(SEED_EVENT)}\n`);
    const result = await runCli(['transform', '--config', config, ...NOW, events]);
    expect(result.code).toBe(0);
    const [line] = lines(result.stdout);
    expect(line.status).toBe('ok');
    expect(line.event.eventDescription.conversionType).toBe('OFF_AMAZON_PURCHASES');
    expect(line.event.matchKeys.find((k: { type: string }) => k.type === 'EMAIL').values[0]).toMatch(
      /^[0-9a-f]{64}$/,
    );
    expect(errorsAgainst('EventCreate', line.event)).toEqual([]);
    expect(result.stdout).not.toContain('Jane');
  });

  test('every line of a mixed file gets exactly one answer, in order, and the run goes on after a broken line', async () => {
    const input = [
      JSON.stringify(SEED_EVENT),
      JSON.stringify(seedWith({ event: 'newsletter_opened' })),
      '{"event": "purchase", broken',
      JSON.stringify(
        seedWith({
          context: { locale: 'de-DE', consent: undefined },
          traits: { address: { country: 'DE' } },
        }),
      ),
      JSON.stringify(seedWith({ properties: { value: 'lots' } })),
      '',
      JSON.stringify(seedWith({ event: 'add_to_cart' })),
    ].join('\n');
    const result = await runCli(['transform', '--config', config, ...NOW], {}, `${input}\n`);
    const out = lines(result.stdout);
    expect(out.map((l) => l.status)).toEqual([
      'ok',
      'filtered',
      'invalid',
      'filtered',
      'invalid',
      'invalid',
      'ok',
    ]);
    expect(out[1].reason.code).toBe('EVENT_NOT_MAPPED');
    expect(out[2].error.code).toBe('INPUT_NOT_JSON');
    expect(out[3].reason.code).toBe('CONSENT_MISSING');
    expect(out[4].error).toEqual({
      code: 'VALUE_INVALID',
      message: 'properties.value is not a number.',
      field: 'properties.value',
    });
    expect(out[6].event.eventDescription.name).toBe('AddToCart');
  });

  test('--explain names the blueprint entry and the match key types, never their values', async () => {
    const result = await runCli(
      ['transform', '--config', config, '--explain', ...NOW],
      {},
      `${JSON.stringify(seedWith({ event: 'Order Completed' }))}\n`,
    );
    const [line] = lines(result.stdout);
    expect(line.explain).toEqual({
      entry: 'purchase',
      eventName: 'Purchase',
      matchKeys: ['EMAIL', 'PHONE', 'FIRST_NAME', 'LAST_NAME', 'ADDRESS', 'CITY', 'STATE', 'POSTAL', 'FIP'],
      consent: 'granted',
      country: 'event',
    });
  });

  test.each<[string, string, Record<string, unknown>]>([
    [
      'a web event without a timestamp takes the receivedAt of --now, as ingestion records it',
      'default',
      { status: 'ok', event: expect.objectContaining({ eventTime: '2026-02-26T12:00:00.000Z' }) },
    ],
    [
      'an offline event without a timestamp is TIMESTAMP_MISSING, never dated by the read',
      'offline',
      {
        status: 'invalid',
        error: expect.objectContaining({ code: 'TIMESTAMP_MISSING', field: 'timestamp' }),
      },
    ],
  ])('%s; --explain says what was stamped', async (_label, variant, expected) => {
    const untimed: Record<string, unknown> = { ...SEED_EVENT };
    delete untimed.timestamp;
    const result = await runCli(
      ['transform', '--config', config, '--variant', variant, '--explain', ...NOW],
      {},
      `${JSON.stringify(untimed)}\n`,
    );
    const [line] = lines(result.stdout);
    expect(line).toMatchObject(expected);
    expect(line.explain.stamped).toEqual({ receivedAt: '2026-02-26T12:00:00.000Z' });
  });

  test('an event with its own timestamp keeps it and is not reported stamped', async () => {
    const result = await runCli(
      ['transform', '--config', config, '--explain', ...NOW],
      {},
      `${JSON.stringify(SEED_EVENT)}\n`,
    );
    const [line] = lines(result.stdout);
    expect(line.event.eventTime).toBe(new Date(SEED_EVENT.timestamp as string).toISOString());
    expect(line.explain).not.toHaveProperty('stamped');
  });

  test.each<[string, string[], string, number]>([
    ['without --strict, invalid lines still exit 0', [], '{"broken"\n', 0],
    [
      '--strict exits 1 when any line is invalid',
      ['--strict'],
      `${JSON.stringify(SEED_EVENT)}\n{"broken"\n`,
      1,
    ],
    [
      '--strict exits 0 when no line is invalid (filtered is not invalid)',
      ['--strict'],
      `${JSON.stringify(seedWith({ event: 'newsletter_opened' }))}\n`,
      0,
    ],
  ])('%s', async (_label, flags, input, code) => {
    const result = await runCli(['transform', '--config', config, ...NOW, ...flags], {}, input);
    expect(result.code).toBe(code);
  });

  test('--blueprint uses a blueprint file instead of the variant', async () => {
    const blueprint = write(
      'bp.json',
      JSON.stringify({
        version: 2,
        name: 'tiny',
        global: {
          mappings: [
            { value: 'WEBSITE', target: 'eventDescription.eventSource' },
            { source: 'timestamp', target: 'eventTime', transform: 'iso_datetime' },
            { source: 'context.locale', target: 'countryCode', transform: 'country_code' },
            { source: 'traits.email', target: 'matchKeys.EMAIL' },
          ],
        },
        defaults: { action: 'drop' },
        events: { purchase: { vendor_event_name: 'Bought', conversion_type: 'OTHER' } },
      }),
    );
    const result = await runCli(
      ['transform', '--config', config, '--blueprint', blueprint, ...NOW],
      {},
      `${JSON.stringify(SEED_EVENT)}\n`,
    );
    const [line] = lines(result.stdout);
    expect(line.event.eventDescription).toMatchObject({ name: 'Bought', conversionType: 'OTHER' });
    expect(line.event.matchKeys).toHaveLength(1);
  });

  test('without --now the 21-day rule uses the real clock: the seed event of February 2026 is too old', async () => {
    const result = await runCli(['transform', '--config', config], {}, `${JSON.stringify(SEED_EVENT)}\n`);
    expect(lines(result.stdout)[0].error.code).toBe('EVENT_TOO_OLD');
  });

  test.each<[string, string[], number, string]>([
    [
      'an invalid config',
      ['--config', write('bad.json', '{"advertiser_id": 1}')],
      2,
      'config.advertiser_id: must be a string',
    ],
    [
      'an invalid blueprint',
      ['--config', config, '--blueprint', write('badbp.json', '{"version": 3}')],
      2,
      'blueprint.version',
    ],
    [
      'an unknown variant',
      ['--config', config, '--variant', 'tv'],
      64,
      '--variant must be one of default, offline, mobile_app',
    ],
    ['no config', [], 64, 'transform needs --config FILE'],
  ])('%s is refused before reading events', async (_label, args, code, message) => {
    const result = await runCli(['transform', ...args], {}, '');
    expect(result.code).toBe(code);
    expect(result.stderr).toContain(message);
  });
});
