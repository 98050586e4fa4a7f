import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { createDestination } from '../../plugin/di/container.js';
import { hostSettingsFromEnv } from '../../plugin/host-settings.js';
import { createLogger } from '../../plugin/logging/logger.js';
import { SecretRegistry } from '../../plugin/logging/secret-registry.js';
import { maskInstallation } from '../../plugin/installation.js';
import { ConfigError, PluginError } from '../../plugin/errors.js';
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
  const secrets = new SecretRegistry();
  const destination = createDestination({
    hostSettings: hostSettingsFromEnv(io.env),
    secrets,
    logger: createLogger({ level: io.env.LOG_LEVEL ?? 'warn', secrets, stream: io.stderr }),
  });
  try {
    const installation = await destination.install({ name: values.name, variant: values.variant, config });
    writeLine(io.stdout, JSON.stringify(maskInstallation(installation), null, 2));
    return 0;
  } catch (error) {
    if (error instanceof ConfigError) {
      writeLine(io.stderr, 'Invalid configuration:');
      for (const f of error.fields) writeLine(io.stderr, `  ${f.field}: ${f.message}`);
      return 2;
    }
    if (error instanceof PluginError) {
      writeLine(
        io.stderr,
        `Install failed (${error.code}${error.retryable ? ', retryable' : ''}): ${error.message}`,
      );
      return 1;
    }
    throw error;
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
