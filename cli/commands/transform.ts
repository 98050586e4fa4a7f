import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { Destination } from '../../plugin/destination.js';
import { SchemaRegistry } from '../../plugin/schemas/schema-registry.js';
import { findVariant, MANIFEST } from '../../plugin/catalog/manifest.js';
import { localInstallation } from '../../plugin/local-installation.js';
import type { AmazonDspConfig } from '../../plugin/config.js';
import type { Blueprint } from '../../plugin/transform/blueprint.js';
import type { Explanation } from '../../plugin/transform/transform-event.js';
import type { FieldError } from '../../plugin/errors.js';
import { readJsonFile } from './install.js';
import { NOT_JSON, parseLine, readLines, writeWithBackpressure } from '../ndjson.js';
import { UsageError, writeLine, type CliIo } from '../io.js';
import { cliContainer } from '../plugin-for-cli.js';

/**
 * `transform --config FILE [--variant KEY] [--blueprint FILE] [--explain] [--now ISO] [EVENTS_FILE]`: a dry run. Reads NDJSON
 * canonical events (stdin without a file), makes no network call, and writes exactly one JSON line per input
 * line, in order: ok with the Amazon event, filtered with the reason, or invalid with the error. `--now` sets the
 * clock the 21-day age rule is checked against, to replay old events.
 */
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

  const container = cliContainer(io, { logLevel: 'error', clock: { now: () => now, sleep: async () => {} } });
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
  for await (const line of readLines(file, io)) {
    const parsed = parseLine(line);
    const explanation: Explanation = { entry: null, matchKeys: [] };
    const result = parsed.ok
      ? destination.transform(parsed.value, installation, { explanation, blueprint })
      : NOT_JSON;
    const out = values.explain && parsed.ok ? { ...result, explain: explanation } : result;
    await writeWithBackpressure(io.stdout, JSON.stringify(out));
  }
  return 0;
}
