/**
 * The plugin's typed errors. Each has a stable UPPER_SNAKE `code`, a `retryable` flag and an optional `cause`.
 * Messages say what to fix and never carry a secret or personal data.
 */

export type ErrorCode =
  | 'CONFIG_INVALID'
  | 'AUTH_FAILED'
  | 'ACCESS_DENIED'
  | 'NOT_FOUND'
  | 'AMAZON_UNAVAILABLE'
  | 'AMAZON_BAD_RESPONSE';

/** One problem with one input field, e.g. `{ field: 'config.profile_id', message: 'must be a numeric string' }`. */
export interface FieldError {
  field: string;
  message: string;
}

export abstract class PluginError extends Error {
  abstract readonly code: ErrorCode;
  abstract readonly retryable: boolean;

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }

  toJSON(): Record<string, unknown> {
    return { code: this.code, message: this.message, retryable: this.retryable };
  }
}

/** The install request or its config is wrong; nothing was sent to Amazon. Fix the named fields. */
export class ConfigError extends PluginError {
  readonly code = 'CONFIG_INVALID' as const;
  readonly retryable = false;

  constructor(readonly fields: FieldError[]) {
    super(fields.map((f) => `${f.field}: ${f.message}`).join('; '));
  }

  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), fields: this.fields };
  }
}

/** Amazon refused the credentials (401, or Login with Amazon said invalid_grant / invalid_client). Reconnect. */
export class AuthError extends PluginError {
  readonly code = 'AUTH_FAILED' as const;
  readonly retryable = false;
  readonly needsReconnect = true;
}

/** Amazon answered 403: the token lacks a scope or the account lacks DSP / Events Manager access. */
export class AccessDeniedError extends PluginError {
  readonly code = 'ACCESS_DENIED' as const;
  readonly retryable = false;
}

/** The profile or advertiser does not exist for these credentials in this region. */
export class NotFoundError extends PluginError {
  readonly code = 'NOT_FOUND' as const;
  readonly retryable = false;
}

/** Amazon could not be reached, timed out, or answered 429 / 5xx. Trying again later may work. */
export class AmazonUnavailableError extends PluginError {
  readonly code = 'AMAZON_UNAVAILABLE' as const;
  readonly retryable = true;

  constructor(
    message: string,
    readonly status?: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** Amazon answered something this plugin cannot read (an undocumented status or body). */
export class AmazonResponseError extends PluginError {
  readonly code = 'AMAZON_BAD_RESPONSE' as const;
  readonly retryable = false;

  constructor(
    message: string,
    readonly status?: number,
  ) {
    super(message);
  }
}

/** The message of anything thrown, for an outcome or a log line. */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
