import { PassThrough, Readable } from 'node:stream';
import { run } from '../../cli/main.js';

/** The environment that points the command line at a sandbox (as the README's sandbox section does). */
export const sandboxEnv = (url: string): Record<string, string> => ({
  AMAZON_ADS_API_URL: url,
  AMAZON_LWA_TOKEN_URL: `${url}/auth/o2/token`,
  AMAZON_ADS_CLIENT_ID: 'amzn1.application-oa2-client.sandboxdemo',
});

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a CLI command in-process with real streams and the given environment. */
export async function runCli(
  argv: string[],
  env: Record<string, string | undefined> = {},
  stdin = '',
): Promise<CliResult> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  stdout.on('data', (c: Buffer) => out.push(c));
  stderr.on('data', (c: Buffer) => err.push(c));
  const code = await run(argv, { stdout, stderr, stdin: Readable.from([stdin]), env });
  return { code, stdout: Buffer.concat(out).toString(), stderr: Buffer.concat(err).toString() };
}
