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
import { readJsonFile } from './io.js';
import { parseLine, readLineBatches, type InputLine } from './ndjson.js';
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
  /** False for a line that is not JSON or too long (its result is INPUT_NOT_JSON, INPUT_LINE_TOO_LONG). */
  parsed: boolean;
  result: TransformResult;
  explanation: Explanation;
  stamp?: { receivedAt: string };
  /** The canonical event as read (and stamped), for counters that look at the input. */
  input?: unknown;
}

/** The plugin set up locally from the command line's config (no network call), to transform with. */
export interface LocalPlugin {
  config: AmazonDspConfig;
  now: number;
  /** `now` as ISO 8601: the `receivedAt` an event without one is stamped with, as ingestion records it. */
  stampedAt: string;
  /** transform's answer for one event, with what `--explain` shows. */
  transform(event: unknown): { result: TransformResult; explanation: Explanation };
}

/**
 * Reads and checks `--config` (and `--blueprint`), and sets the plugin up with `--variant` and `--now`, as
 * the dry run needs it. Undefined (the reasons on stderr) when the config or blueprint is invalid.
 */
export async function localPlugin(
  command: string,
  values: { config?: string; variant: string; blueprint?: string; now?: string },
  io: CliIo,
): Promise<LocalPlugin | undefined> {
  if (!values.config) throw new UsageError(`${command} needs --config FILE (the install config as JSON)`);
  if (!findVariant(values.variant)) {
    throw new UsageError(`--variant must be one of ${MANIFEST.variants.map((v) => v.key).join(', ')}`);
  }
  const now = values.now === undefined ? Date.now() : Date.parse(values.now);
  if (!Number.isFinite(now))
    throw new UsageError('--now must be an ISO date-time, e.g. 2026-02-26T00:00:00Z');

  const logLevel = io.env.LOG_LEVEL ?? 'error';
  const container = cliContainer(io, { logLevel, clock: { now: () => now, sleep: async () => {} } });
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
  return {
    config: config as AmazonDspConfig,
    now,
    stampedAt: new Date(now).toISOString(),
    transform(event) {
      const explanation: Explanation = { entry: null, matchKeys: [] };
      return { result: destination.transform(event, installation, { explanation, blueprint }), explanation };
    },
  };
}

/**
 * The output line of one input line, as `transform` prints it: transform's answer (a line that is not JSON:
 * INPUT_NOT_JSON), with `explain` when asked.
 */
export function answerLine(
  plugin: LocalPlugin,
  line: InputLine,
  explain: boolean,
): { text: string; invalid: boolean } {
  const answer = dryRunLine(plugin, line);
  const { parsed, result, explanation, stamp } = answer;
  const out =
    explain && parsed
      ? { ...result, explain: stamp ? { ...explanation, stamped: stamp } : explanation }
      : result;
  return { text: JSON.stringify(out), invalid: result.status === 'invalid' };
}

function dryRunLine(plugin: LocalPlugin, line: InputLine): DryRunLine {
  const parsed = parseLine(line);
  if (!parsed.ok)
    return { parsed: false, result: parsed.result, explanation: { entry: null, matchKeys: [] } };
  const input = stamped(parsed.value, plugin.stampedAt);
  return {
    parsed: true,
    ...plugin.transform(input.event),
    input: input.event,
    ...(input.stamp ? { stamp: input.stamp } : {}),
  };
}

/**
 * Transforms the NDJSON canonical events of `file` (stdin without one) as the plugin would, with no network
 * call: one answer per line, in order, in batches (a chunk of input each). Undefined (the reasons on stderr)
 * when the config or blueprint is invalid.
 */
export async function dryRun(
  command: string,
  values: { config?: string; variant: string; blueprint?: string; now?: string },
  file: string | undefined,
  io: CliIo,
): Promise<AsyncGenerator<DryRunLine[]> | undefined> {
  if (file && !existsSync(file)) throw new UsageError(`cannot read ${file}`);
  const plugin = await localPlugin(command, values, io);
  if (!plugin) return undefined;
  const answer = (line: InputLine): DryRunLine => dryRunLine(plugin, line);
  return (async function* () {
    for await (const lines of readLineBatches(file, io)) yield lines.map(answer);
  })();
}
