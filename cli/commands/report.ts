import { parseArgs } from 'node:util';
import { type QualityFigures } from '../../plugin/index.js';
import { QualityTally } from '../../plugin/quality/quality-tally.js';
import { qualityFigures } from '../../plugin/quality/quality-report.js';
import { MATCH_KEY_TYPES } from '../../plugin/quality/match-score.js';
import { ConsentMissingRows } from '../consent-missing-rows.js';
import { writeLine, type CliIo } from '../io.js';
import type { CommandHelp } from '../help.js';
import { dryRun, DRY_RUN_HELP, DRY_RUN_OPTIONS } from '../dry-run.js';

export const reportHelp: CommandHelp = {
  name: 'report',
  synopsis: 'report --config FILE [--variant KEY] [--blueprint FILE] [--now ISO] [--json] [EVENTS.ndjson]',
  title: 'pre-flight: match quality of NDJSON canonical events, no network call',
  summary:
    'Pre-flight check of a data feed: runs the dry run over NDJSON canonical events (stdin without a file)\n' +
    'and prints the match quality the host would show for them: per Amazon event type, the share of events\n' +
    'carrying each match key type, the consent sent, limited data use, the share paired with the Amazon Ad\n' +
    'Tag (eventId from properties.amazon_event_id) and sent with a click token, and the score (0-100); the totals and\n' +
    'the reasons events were filtered or invalid. Nothing is sent.',
  options: [
    ...DRY_RUN_HELP,
    ['--json', 'one JSON object with totals, by_event and reasons, as the Management API gives them'],
  ],
  env: [['LOG_LEVEL', 'error (default here), warn, info or debug; logs go to stderr']],
  exitCodes: [
    [0, 'the report was printed'],
    [2, 'the config or blueprint is invalid (every bad field on stderr)'],
  ],
};

/** Match quality of a file (see `reportHelp`). */
export async function reportCommand(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { ...DRY_RUN_OPTIONS, json: { type: 'boolean', default: false } },
  });
  const lines = await dryRun('report', values, positionals[0], io);
  if (!lines) return 2;
  const tally = new QualityTally();
  const unconsented = new ConsentMissingRows('events');
  for await (const batch of lines)
    for (const { result, explanation, input } of batch) {
      tally.addTransform(explanation.eventName ?? '', result, { input, country: explanation.country });
      unconsented.add(result);
    }
  const { totals, by_event, reasons } = qualityFigures(tally.rows());
  const figures = {
    totals: { transformed: totals.transformed, filtered: totals.filtered, invalid: totals.invalid },
    by_event,
    reasons: { filtered: reasons.filtered, invalid: reasons.invalid },
  };
  unconsented.report(io.stderr);
  if (values.json) writeLine(io.stdout, JSON.stringify(figures));
  else io.stdout.write(table(figures));
  return 0;
}

type Report = Pick<QualityFigures, 'by_event'> & {
  totals: { transformed: number; filtered: number; invalid: number };
  reasons: Pick<QualityFigures['reasons'], 'filtered' | 'invalid'>;
};

const pct = (share: number): string => `${Math.round(share * 100)} %`;
/** The non-zero shares of a breakdown, `event 60 %, profile 40 %`; `-` when all are zero. */
const shares = (of: Record<string, number>): string =>
  Object.entries(of)
    .filter(([, share]) => share > 0)
    .map(([name, share]) => `${name} ${pct(share)}`)
    .join(', ') || '-';

/** The report for a terminal: a row per Amazon event type, a column per match key type that any event carries. */
export function table(report: Report): string {
  const { totals, by_event, reasons } = report;
  const events = Object.entries(by_event);
  const keys = MATCH_KEY_TYPES.filter((k) => events.some(([, e]) => e.match_keys[k] > 0));
  const head = [
    'event type',
    'events',
    'score',
    'keys/event',
    ...keys,
    'limited data use',
    'Ad Tag paired',
    'click token',
    'country from',
    'consent',
  ];
  const rows = events.map(([name, e]) => [
    name,
    String(e.count),
    e.score === null ? '-' : String(e.score),
    e.avg_match_keys.toFixed(2),
    ...keys.map((k) => pct(e.match_keys[k])),
    pct(e.limited_data_use),
    pct(e.paired_with_ad_tag),
    pct(e.with_click_token),
    shares(e.country_from),
    shares(e.consent),
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i === 0 || i === cells.length - 1 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!)))
      .join('  ')
      .trimEnd();
  const out = [
    `Match quality (dry run, nothing sent): ${totals.transformed} to send, ${totals.filtered} filtered, ${totals.invalid} invalid`,
    '',
    line(head),
    ...rows.map(line),
  ];
  for (const kind of ['filtered', 'invalid'] as const) {
    const codes = Object.entries(reasons[kind]).sort((a, b) => b[1] - a[1]);
    if (codes.length > 0) out.push('', `${kind}: ${codes.map(([code, n]) => `${code} ${n}`).join(', ')}`);
  }
  return `${out.join('\n')}\n`;
}
