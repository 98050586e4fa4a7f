import { existsSync } from 'node:fs';
import { Destination } from '../plugin/destination.js';
import { SchemaRegistry } from '../plugin/schemas/schema-registry.js';
import { findVariant, MANIFEST } from '../plugin/catalog/manifest.js';
import { localInstallation } from '../plugin/local-installation.js';
import type { AmazonDspConfig } from '../plugin/config.js';
import type { TransformResult } from '../plugin/contracts.js';
import type { Blueprint } from '../plugin/transform/model.js';
import type { Explanation } from '../plugin/transform/transform-event.js';
import type { FieldError } from '../plugin/errors.js';
import { readJsonFile } from './commands/install.js';
import { NOT_JSON, parseLine, readLines } from './ndjson.js';
import { UsageError, writeLine, type CliIo } from './io.js';
import { cliContainer } from './plugin-for-cli.js';
import { stamped } from './stamp.js';
import type { CommandHelp } from './help.js';

/** The options of the commands that run the dry run (`transform`, `report`), for parseArgs. */
export const DRY_RUN_OPTIONS = {
  config: { type: 'string' },
  variant: { type: 'string', default: 'default' },
  blueprint: { type: 'string' },
  now: { type: 'string' },
} as const;

/** Their help lines. */
export const DRY_RUN_HELP: CommandHelp['options'] = [
  ['--config FILE', 'the install config as JSON'],
  ['--variant KEY', 'default (website), offline or mobile_app; default: default'],
  ['--blueprint FILE', "a blueprint file to use instead of the variant's"],
  ['--now ISO', 'the clock for the 21-day rule and for stamping (default: now), to replay old events'],
];

export interface DryRunLine {
  /** False for a line that is not JSON (its result is INPUT_NOT_JSON). */
  parsed: boolean;
  result: TransformResult;
  explanation: Explanation;
  stamp?: { timestamp: string };
}

/**
 * Transforms the NDJSON canonical events of `file` (stdin without one) as the plugin would, with no network
 * call: one answer per line, in order. Undefined (the reasons on stderr) when the config or blueprint is invalid.
 */
export async function dryRun(
  command: string,
  values: { config?: string; variant: string; blueprint?: string; now?: string },
  file: string | undefined,
  io: CliIo,
): Promise<AsyncGenerator<DryRunLine> | undefined> {
  if (!values.config) throw new UsageError(`${command} needs --config FILE (the install config as JSON)`);
  if (!findVariant(values.variant)) {
    throw new UsageError(`--variant must be one of ${MANIFEST.variants.map((v) => v.key).join(', ')}`);
  }
  const now = values.now === undefined ? Date.now() : Date.parse(values.now);
  if (!Number.isFinite(now))
    throw new UsageError('--now must be an ISO date-time, e.g. 2026-02-26T00:00:00Z');
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
    return undefined;
  }

  const destination = container.resolve(Destination);
  const installation = localInstallation(config as AmazonDspConfig, values.variant, now);
  const stampedAt = new Date(now).toISOString();
  return (async function* () {
    for await (const line of readLines(file, io)) {
      const parsed = parseLine(line);
      const explanation: Explanation = { entry: null, matchKeys: [] };
      if (!parsed.ok) {
        yield { parsed: false, result: NOT_JSON, explanation };
        continue;
      }
      const input = stamped(parsed.value, stampedAt);
      const result = destination.transform(input.event, installation, { explanation, blueprint });
      yield { parsed: true, result, explanation, ...(input.stamp ? { stamp: input.stamp } : {}) };
    }
  })();
}
