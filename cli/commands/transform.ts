import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { Destination } from '../../plugin/destination.js';
import { SchemaRegistry } from '../../plugin/schemas/schema-registry.js';
import { findVariant, MANIFEST } from '../../plugin/catalog/manifest.js';
import { localInstallation } from '../../plugin/local-installation.js';
import type { AmazonDspConfig } from '../../plugin/config.js';
import type { Blueprint } from '../../plugin/transform/model.js';
import type { Explanation } from '../../plugin/transform/transform-event.js';
import type { FieldError } from '../../plugin/errors.js';
import { readJsonFile } from './install.js';
import { NOT_JSON, parseLine, readLines, writeWithBackpressure } from '../ndjson.js';
import { UsageError, writeLine, type CliIo } from '../io.js';
import { cliContainer } from '../plugin-for-cli.js';
import { stamped } from '../stamp.js';
import type { CommandHelp } from '../help.js';

export const transformHelp: CommandHelp = {
  name: 'transform',
  synopsis:
    'transform --config FILE [--variant KEY] [--blueprint FILE] [--explain] [--now ISO] [--strict] [EVENTS.ndjson]',
  title: 'dry run: transform NDJSON canonical events, no network call',
  summary:
    'Dry run: transform NDJSON canonical events (stdin without a file) as the plugin would, with no network\n' +
    'call. One JSON line per input line, in order: ok with the Amazon event, filtered with the reason, or\n' +
    'invalid with what to fix. An event without a timestamp is stamped with --now, as ingestion stamps it.',
  options: [
    ['--config FILE', 'the install config as JSON'],
    ['--variant KEY', 'default (website), offline or mobile_app; default: default'],
    ['--blueprint FILE', "a blueprint file to use instead of the variant's"],
    [
      '--explain',
      'add the blueprint entry, the match key types found (never values), consent, and any stamp',
    ],
    ['--now ISO', 'the clock for the 21-day rule and for stamping (default: now), to replay old events'],
    ['--strict', 'exit 1 when any line is invalid'],
  ],
  env: [['LOG_LEVEL', 'error (default here), warn, info or debug; logs go to stderr']],
  exitCodes: [
    [0, 'every line was answered (with --strict: and none was invalid)'],
    [1, 'with --strict: at least one line was invalid'],
    [2, 'the config or blueprint is invalid (every bad field on stderr)'],
  ],
};

/** The dry run (see `transformHelp`). */
export async function transformCommand(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      config: { type: 'string' },
      variant: { type: 'string', default: 'default' },
      blueprint: { type: 'string' },
      explain: { type: 'boolean', default: false },
      now: { type: 'string' },
      strict: { type: 'boolean', default: false },
    },
  });
  if (!values.config) throw new UsageError('transform needs --config FILE (the install config as JSON)');
  if (!findVariant(values.variant)) {
    throw new UsageError(`--variant must be one of ${MANIFEST.variants.map((v) => v.key).join(', ')}`);
  }
  const now = values.now === undefined ? Date.now() : Date.parse(values.now);
  if (!Number.isFinite(now))
    throw new UsageError('--now must be an ISO date-time, e.g. 2026-02-26T00:00:00Z');
  const file = positionals[0];
  if (file && !existsSync(file)) throw new UsageError(`cannot read ${file}`);

  const container = cliContainer(io, {
    logLevel: io.env.LOG_LEVEL ?? 'error',
    clock: { now: () => now, sleep: async () => {} },
  });
  const schemas = container.resolve(SchemaRegistry);
  const config = await readJsonFile(values.config);
  const errors: FieldError[] = schemas.validate('config', config, 'config');
  let blueprint: Blueprint | undefined;
  if (values.blueprint) {
    blueprint = (await readJsonFile(values.blueprint)) as Blueprint;
    errors.push(...schemas.validate('blueprint', blueprint, 'blueprint'));
  }
  if (errors.length > 0) {
    writeLine(io.stderr, 'Invalid input:');
    for (const e of errors) writeLine(io.stderr, `  ${e.field}: ${e.message}`);
    return 2;
  }

  const destination = container.resolve(Destination);
  const installation = localInstallation(config as AmazonDspConfig, values.variant, now);
  const stampedAt = new Date(now).toISOString();
  let invalid = 0;
  for await (const line of readLines(file, io)) {
    const parsed = parseLine(line);
    const explanation: Explanation = { entry: null, matchKeys: [] };
    const input = parsed.ok ? stamped(parsed.value, stampedAt) : undefined;
    const result = input
      ? destination.transform(input.event, installation, { explanation, blueprint })
      : NOT_JSON;
    if (result.status === 'invalid') invalid++;
    const explain = input?.stamp ? { ...explanation, stamped: input.stamp } : explanation;
    const out = values.explain && input ? { ...result, explain } : result;
    await writeWithBackpressure(io.stdout, JSON.stringify(out));
  }
  return values.strict && invalid > 0 ? 1 : 0;
}
