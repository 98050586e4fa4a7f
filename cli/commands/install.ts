import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { Destination } from '../../plugin/destination.js';
import { cliContainer, reportInstallError } from '../plugin-for-cli.js';
import { maskInstallation } from '../../plugin/installation.js';
import { writeLine, UsageError, type CliIo } from '../io.js';

/**
 * `install --config FILE [--variant KEY] [--name NAME]`: runs the install hook against the Amazon Ads API
 * named by the environment and prints the installation with secrets masked, or every field error.
 * Exit 0 on success, 2 for invalid config, 1 when Amazon refused or could not be reached.
 */
export async function installCommand(args: string[], io: CliIo): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      config: { type: 'string' },
      variant: { type: 'string', default: 'default' },
      name: { type: 'string' },
    },
  });
  if (!values.config) throw new UsageError('install needs --config FILE (the install config as JSON)');
  const config = await readJsonFile(values.config);
  const destination = cliContainer(io).resolve(Destination);
  try {
    const installation = await destination.install({ name: values.name, variant: values.variant, config });
    writeLine(io.stdout, JSON.stringify(maskInstallation(installation), null, 2));
    return 0;
  } catch (error) {
    return reportInstallError(error, io);
  }
}

export async function readJsonFile(path: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    throw new UsageError(`cannot read ${path}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
  }
  try {
    return JSON.parse(text);
  } catch {
    throw new UsageError(`${path} is not valid JSON`);
  }
}
