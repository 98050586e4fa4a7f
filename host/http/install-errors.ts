import { PluginError, ConfigError, type ErrorCode } from '../../plugin/index.js';
import { HttpError } from './http-kit.js';

/**
 * How the plugin's install errors reach the Management API: one row per plugin error code, so the README's
 * table and the API cannot drift (a new plugin code does not compile until it has a row here).
 */
export const INSTALL_ERROR_HTTP: Readonly<Record<ErrorCode, { status: number; code: string }>> = {
  CONFIG_INVALID: { status: 400, code: 'invalid_request' },
  AUTH_FAILED: { status: 422, code: 'auth_failed' },
  ACCESS_DENIED: { status: 422, code: 'access_denied' },
  NOT_FOUND: { status: 422, code: 'not_found' },
  AMAZON_UNAVAILABLE: { status: 503, code: 'amazon_unavailable' },
  AMAZON_BAD_RESPONSE: { status: 502, code: 'amazon_bad_response' },
};

/** A plugin install error as the Management API answers it; anything else is a 500 that says nothing inside. */
export function installHttpError(error: unknown): HttpError {
  if (!(error instanceof PluginError))
    return new HttpError(500, 'internal_error', 'Install failed unexpectedly.');
  const { status, code } = INSTALL_ERROR_HTTP[error.code];
  return new HttpError(status, code, error.message, error instanceof ConfigError ? error.fields : undefined);
}
