import { parseArgs } from 'node:util';
import type { CommandHelp } from '../help.js';
import { answerLine, DRY_RUN_HELP, DRY_RUN_OPTIONS, localPlugin } from '../dry-run.js';
import { LineWriter, readLineBatches } from '../ndjson.js';
import { existsSync } from 'node:fs';
import { UsageError, type CliIo } from '../io.js';

export const transformHelp: CommandHelp = {
  name: 'transform',
  synopsis:
    'transform --config FILE [--variant KEY] [--blueprint FILE] [--explain] [--now ISO] [--strict] [EVENTS.ndjson]',
  title: 'dry run: transform NDJSON canonical events, no network call',
  summary:
    'Dry run: transform NDJSON canonical events (stdin without a file) as the plugin would, with no network\n' +
    'call. One JSON line per input line, in order: ok with the Amazon event, filtered with the reason, or\n' +
    'invalid with what to fix. An event is stamped receivedAt with --now, as ingestion records it: web and app\n' +
    'events without a timestamp take that time, offline ones are TIMESTAMP_MISSING.',
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
  const file = positionals[0];
  if (file && !existsSync(file)) throw new UsageError(`cannot read ${file}`);
  const plugin = await localPlugin('transform', values, io);
  if (!plugin) return 2;
  const out = new LineWriter(io.stdout);
  let invalid = 0;
  for await (const batch of readLineBatches(file, io))
    for (const line of batch) {
      const answer = answerLine(plugin, line, values.explain);
      if (answer.invalid) invalid++;
      await out.line(answer.text);
    }
  await out.flush();
  return values.strict && invalid > 0 ? 1 : 0;
}
