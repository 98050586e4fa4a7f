import winston from 'winston';
import { redactValue } from './redact.js';
import type { SecretRegistry } from './secret-registry.js';

export type Logger = winston.Logger;

export interface LoggerOptions {
  level?: string;
  secrets?: SecretRegistry;
  /** Where JSON lines go; stderr when absent. */
  stream?: NodeJS.WritableStream;
  /** Static fields on every record, e.g. `{ plugin: 'amazon_dsp' }`. */
  defaultMeta?: Record<string, unknown>;
}

/**
 * A winston format that redacts every record before it is serialised: credentials, the Authorization header,
 * known secret values and raw personal data are replaced whatever the level or the call site.
 */
export const redactFormat = winston.format((info, opts?: unknown) => {
  const secrets = (opts as { secrets?: SecretRegistry } | undefined)?.secrets;
  const redacted = redactValue({ ...info }, secrets) as Record<string, unknown>;
  for (const key of Object.keys(redacted)) info[key] = redacted[key];
  return info;
});

/** JSON-lines logger with redaction built in. */
export function createLogger(options: LoggerOptions = {}): Logger {
  return winston.createLogger({
    level: options.level ?? 'info',
    defaultMeta: options.defaultMeta,
    format: winston.format.combine(
      winston.format.timestamp(),
      redactFormat({ secrets: options.secrets }),
      winston.format.json(),
    ),
    transports: [new winston.transports.Stream({ stream: options.stream ?? process.stderr })],
  });
}
