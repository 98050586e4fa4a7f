import type { DependencyContainer } from 'tsyringe';
import { createPluginContainer } from '../plugin/di/container.js';
import { hostSettingsFromEnv } from '../plugin/host-settings.js';
import { createLogger } from '../plugin/logging/logger.js';
import { SecretRegistry } from '../plugin/logging/secret-registry.js';
import { ConfigError, PluginError } from '../plugin/errors.js';
import type { Clock } from '../plugin/clock.js';
import { Destination } from '../plugin/destination.js';
import type { Installation } from '../plugin/installation.js';
import { readJsonFile } from './io.js';
import { writeLine, type CliIo } from './io.js';

/** The plugin as a CLI command wires it: host settings from the environment, redacting logs on stderr. */
export function cliContainer(
  io: CliIo,
  options: { logLevel?: string; clock?: Clock } = {},
): DependencyContainer {
  const secrets = new SecretRegistry();
  return createPluginContainer({
    hostSettings: hostSettingsFromEnv(io.env),
    secrets,
    clock: options.clock,
    logger: createLogger({
      level: options.logLevel ?? io.env.LOG_LEVEL ?? 'warn',
      secrets,
      stream: io.stderr,
    }),
  });
}

/** Prints why install failed and returns the exit code: 2 for invalid config, 1 when Amazon refused. */
export function reportInstallError(error: unknown, io: CliIo): number {
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

/**
 * Reads the config file and runs the install hook against Amazon (the host settings of the environment): the
 * plugin and its installation, or the exit code after saying why install failed.
 */
export async function installFromFile(
  configFile: string,
  variant: string,
  io: CliIo,
): Promise<{ destination: Destination; installation: Installation } | number> {
  const config = await readJsonFile(configFile);
  const destination = cliContainer(io).resolve(Destination);
  try {
    return { destination, installation: await destination.install({ variant, config }) };
  } catch (error) {
    return reportInstallError(error, io);
  }
}
