import { parseArgs } from 'node:util';
import { startSandbox } from '../../sandbox/index.js';
import { DEMO_ACCOUNT, credentialsOf } from '../../sandbox/accounts.js';
import { stopRequested } from '../stop-request.js';
import { writeLine, UsageError, type CliIo } from '../io.js';
import type { CommandHelp } from '../help.js';

export const sandboxHelp: CommandHelp = {
  name: 'sandbox',
  synopsis:
    'sandbox [--port N] [--host ADDRESS] [--token-ttl SECONDS] [--rate-limit N] [--tag-rules] [--record full|ids] [--keep-requests N] [--control-token TOKEN] [--allow-host NAME]...',
  title: "serve the project's Amazon Ads API sandbox until stopped",
  summary:
    "Serve the project's Amazon Ads API sandbox (Login with Amazon, profiles, advertiser accounts, events)\n" +
    'until stopped (SIGTERM, SIGINT, or the process that started it exits). The first stdout line is one JSON\n' +
    'object: its url, ready-made credentials under the install config keys, and the env that points the plugin at it.',
  options: [
    ['--port N', 'port to listen on (default 0: a free one)'],
    ['--host ADDRESS', 'address to listen on (default 127.0.0.1)'],
    [
      '--tag-rules',
      "the strict rules: also enforce the server-side tag's checks and the sandbox's inferences where Amazon is silent (docs/sandbox.md)",
    ],
    [
      '--rate-limit N',
      'throttle the Events API like Amazon: N requests a second per advertiser account (burst N); above it 429 with Retry-After',
    ],
    ['--token-ttl SECONDS', "lifetime of every access token, the seed's included (default 3600, as Amazon)"],
    ['--record full|ids', 'keep accepted events whole (default) or only their ids, for runs of millions'],
    ['--keep-requests N', 'request copies kept for /__sandbox/requests (default 500; 0 keeps none)'],
    [
      '--allow-host NAME',
      'also answer this Host name (repeatable; default: only localhost, 127.0.0.1, [::1] and the --host address)',
    ],
    [
      '--control-token TOKEN',
      'require Authorization: Bearer TOKEN on every /__sandbox/* control (default: open, for local tests)',
    ],
  ],
  env: [],
  exitCodes: [[0, 'stopped cleanly']],
};

/** The `sandbox` command; what it does, reads and answers is in `sandboxHelp`. */
export async function sandboxCommand(args: string[], io: CliIo): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      port: { type: 'string' },
      host: { type: 'string' },
      'token-ttl': { type: 'string', default: '3600' },
      'tag-rules': { type: 'boolean', default: false },
      'rate-limit': { type: 'string', default: '0' },
      record: { type: 'string', default: 'full' },
      'keep-requests': { type: 'string', default: '500' },
      'control-token': { type: 'string' },
      'allow-host': { type: 'string', multiple: true },
    },
  });
  const port = values.port === undefined ? 0 : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new UsageError('--port must be a port number');
  if (values.record !== 'full' && values.record !== 'ids')
    throw new UsageError('--record must be full or ids');
  const tokenTtlSeconds = Number(values['token-ttl']);
  if (!Number.isInteger(tokenTtlSeconds) || tokenTtlSeconds < 1)
    throw new UsageError('--token-ttl must be a whole number of seconds, at least 1');
  const rateLimit = Number(values['rate-limit']);
  if (!Number.isInteger(rateLimit) || rateLimit < 0)
    throw new UsageError('--rate-limit must be a whole number of requests a second (0: no limit)');
  const keepRequests = Number(values['keep-requests']);
  if (!Number.isInteger(keepRequests) || keepRequests < 0)
    throw new UsageError('--keep-requests must be a whole number');
  const sandbox = await startSandbox({
    port,
    host: values.host ?? '127.0.0.1',
    recordMode: values.record,
    tokenTtlSeconds,
    tagRules: values['tag-rules'],
    rateLimit,
    keepRequests,
    controlToken: values['control-token'],
    allowedHosts: values['allow-host'] ?? [],
  });
  writeLine(io.stdout, {
    url: sandbox.url,
    credentials: credentialsOf(DEMO_ACCOUNT),
    env: {
      AMAZON_ADS_API_URL: sandbox.url,
      AMAZON_LWA_TOKEN_URL: `${sandbox.url}/auth/o2/token`,
      AMAZON_ADS_CLIENT_ID: DEMO_ACCOUNT.clientId,
    },
  });
  await (io.stopSignal ?? stopRequested());
  await sandbox.close();
  return 0;
}
