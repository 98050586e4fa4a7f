import type { DependencyContainer } from 'tsyringe';
import { createPluginContainer } from '../plugin/di/container.js';
import { hostSettingsFromEnv } from '../plugin/host-settings.js';
import { createLogger } from '../plugin/logging/logger.js';
import { SecretRegistry } from '../plugin/logging/secret-registry.js';
import { ConfigError, PluginError } from '../plugin/errors.js';
import type { Clock } from '../plugin/clock.js';
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
