import { parseArgs } from 'node:util';
import { startSandbox } from '../../sandbox/index.js';
import { DEMO_ACCOUNT, credentialsOf } from '../../sandbox/accounts.js';
import { stopRequested } from '../../host/stop-request.js';
import { writeLine, UsageError, type CliIo } from '../io.js';

/**
 * `sandbox [--port N] [--record full|ids] [--keep-requests N]`: serves the Amazon Ads API sandbox until stopped. The first stdout line is one JSON
 * object: its `url`, ready-made `credentials` under the install config's keys, and the `env` that points the
 * plugin at it. `--record ids` keeps only accepted event ids and `--keep-requests 0` no request copies, for
 * runs of millions of events.
 */
export async function sandboxCommand(args: string[], io: CliIo): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      port: { type: 'string' },
      host: { type: 'string' },
      record: { type: 'string', default: 'full' },
      'keep-requests': { type: 'string', default: '500' },
    },
  });
  const port = values.port === undefined ? 0 : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new UsageError('--port must be a port number');
  if (values.record !== 'full' && values.record !== 'ids')
    throw new UsageError('--record must be full or ids');
  const keepRequests = Number(values['keep-requests']);
  if (!Number.isInteger(keepRequests) || keepRequests < 0)
    throw new UsageError('--keep-requests must be a whole number');
  const sandbox = await startSandbox({
    port,
    host: values.host ?? '127.0.0.1',
    recordMode: values.record,
    keepRequests,
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
