/** What `amazon-dsp-events <command> --help` prints: the command's options, the environment it reads, its exit codes. */
export interface CommandHelp {
  name: string;
  synopsis: string;
  /** One line for the overview. */
  title: string;
  summary: string;
  options: Array<[flag: string, meaning: string]>;
  env: Array<[name: string, meaning: string]>;
  exitCodes: Array<[code: number, meaning: string]>;
}

/** Exit code of a command line that could not be understood (BSD sysexits' EX_USAGE). */
export const EXIT_USAGE = 64;

/** The environment variables that say where Amazon is, read by every command that talks to it. */
export const AMAZON_ENV: CommandHelp['env'] = [
  ['AMAZON_ADS_API_URL', 'one base URL for all three regional Ads API hosts ({region} becomes na, eu or fe)'],
  [
    'AMAZON_LWA_TOKEN_URL',
    'the Login with Amazon token endpoint (default https://api.amazon.com/auth/o2/token)',
  ],
  ['AMAZON_ADS_CLIENT_ID', "the platform's LWA client id, used when the config has no client_id"],
  ['AMAZON_REQUEST_TIMEOUT_MS', 'timeout of one request to Amazon (default 30000)'],
  ['AMAZON_PARTNER_NAME', "the name sent as every event's partner (default Datafly Signal)"],
  [
    'LOG_LEVEL',
    'error, warn (default), info or debug; logs go to stderr, secrets and personal data redacted',
  ],
];

const USAGE_EXIT: [number, string] = [
  EXIT_USAGE,
  'the command line is wrong (unknown option, missing --config)',
];

const table = (rows: Array<[string | number, string]>): string => {
  const width = Math.max(...rows.map(([left]) => String(left).length));
  return rows.map(([left, right]) => `  ${String(left).padEnd(width)}  ${right}`).join('\n');
};

/** One command's help text. */
export function commandHelp(help: CommandHelp): string {
  const sections = [
    `Usage: amazon-dsp-events ${help.synopsis}`,
    help.summary,
    `Options:\n${table([...help.options, ['-h, --help', 'print this help and exit']])}`,
    help.env.length > 0 ? `Environment:\n${table(help.env)}` : 'Environment: none read.',
    `Exit codes:\n${table([...help.exitCodes, USAGE_EXIT])}`,
  ];
  return `${sections.join('\n\n')}\n`;
}

/** The overview: every command with its one-line summary. */
export function overview(commands: CommandHelp[]): string {
  return (
    [
      'Usage: amazon-dsp-events <command> [options]',
      'Amazon DSP Events: send Signal canonical events to the Amazon Ads Events API.',
      `Commands:\n${table(commands.map((c) => [c.name, c.title]))}`,
      "Run 'amazon-dsp-events <command> --help' for a command's options, environment and exit codes.",
    ].join('\n\n') + '\n'
  );
}
