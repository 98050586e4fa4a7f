import { parseArgs } from 'node:util';
import { Destination } from '../../plugin/destination.js';
import { cliContainer, reportInstallError } from '../plugin-for-cli.js';
import { maskInstallation } from '../../plugin/installation.js';
import { readJsonFile, writeLine, UsageError, type CliIo } from '../io.js';
import { AMAZON_ENV, type CommandHelp } from '../help.js';

export const installHelp: CommandHelp = {
  name: 'install',
  synopsis: 'install --config FILE [--variant KEY] [--name NAME]',
  title: 'run the install hook against Amazon and print the installation',
  summary:
    'Run the install hook against the Amazon Ads API the environment names: validate the config, check the\n' +
    'credentials, resolve region and advertiser. Prints the installation with secrets masked.',
  options: [
    ['--config FILE', 'the install config as JSON (advertiser_id, profile_id, access_token, ...)'],
    ['--variant KEY', 'default (website), offline or mobile_app; default: default'],
    ['--name NAME', 'the installation name shown in the output'],
  ],
  env: AMAZON_ENV,
  exitCodes: [
    [0, 'installed'],
    [1, 'Amazon refused the credentials or could not be reached (the reason and what to fix on stderr)'],
    [2, 'the config is invalid (every bad field on stderr)'],
  ],
};

/** The `install` command; what it does, reads and answers is in `installHelp`. */
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
