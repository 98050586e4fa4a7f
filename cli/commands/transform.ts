import { parseArgs } from 'node:util';
import { LineWriter } from '../ndjson.js';
import type { CliIo } from '../io.js';
import type { CommandHelp } from '../help.js';
import { dryRun, DRY_RUN_HELP, DRY_RUN_OPTIONS } from '../dry-run.js';

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
    ...DRY_RUN_HELP,
    [
      '--explain',
      'add the blueprint entry, the match key types found (never values), consent, and any stamp',
    ],
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
      ...DRY_RUN_OPTIONS,
      explain: { type: 'boolean', default: false },
      strict: { type: 'boolean', default: false },
    },
  });
  const lines = await dryRun('transform', values, positionals[0], io);
  if (!lines) return 2;
  const out = new LineWriter(io.stdout);
  let invalid = 0;
  for await (const batch of lines)
    for (const { parsed, result, explanation, stamp } of batch) {
      if (result.status === 'invalid') invalid++;
      const explain = stamp ? { ...explanation, stamped: stamp } : explanation;
      await out.line(JSON.stringify(values.explain && parsed ? { ...result, explain } : result));
    }
  await out.flush();
  return values.strict && invalid > 0 ? 1 : 0;
}
