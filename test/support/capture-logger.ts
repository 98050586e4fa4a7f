import { Writable } from 'node:stream';
import { createLogger, type Logger } from '../../plugin/logging/logger.js';
import { SecretRegistry } from '../../plugin/logging/secret-registry.js';

/** A real redacting logger whose JSON lines land in `lines`, at debug level. */
export function captureLogger(secrets = new SecretRegistry()): {
  logger: Logger;
  lines: string[];
  secrets: SecretRegistry;
} {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, done) {
      lines.push(...String(chunk).split('\n').filter(Boolean));
      done();
    },
  });
  return { logger: createLogger({ level: 'debug', secrets, stream }), lines, secrets };
}
