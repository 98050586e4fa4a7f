import {
  AccessDeniedError,
  AmazonResponseError,
  AmazonUnavailableError,
  AuthError,
  NotFoundError,
  type PluginError,
} from '../errors.js';
import { troubleshooting } from '../catalog/manifest.js';
import { classifyStatus } from './classify-events.js';
import { said } from './error-body.js';
import type { AmazonResponse } from './http.js';

export { safeParse, errorDetail, type AmazonErrorBody } from './error-body.js';

/**
 * A non-success answer to an install-time call as the plugin's typed error. The status is read by the same
 * table as delivery's (`classifyStatus`), so both say the same thing about the same answer. `now` dates a
 * Retry-After given as an HTTP date.
 */
export function classifyFailure(response: AmazonResponse, now: number): PluginError {
  const verdict = classifyStatus(response, now, 0);
  switch (verdict.kind) {
    case 'auth':
      return new AuthError(said(troubleshooting('401'), response));
    case 'retry':
      return new AmazonUnavailableError(verdict.message, response.status);
    case 'reject':
      if (verdict.code === 'ACCESS_DENIED') return new AccessDeniedError(verdict.message);
      if (verdict.code === 'NOT_FOUND') return new NotFoundError(verdict.message);
      return new AmazonResponseError(verdict.message, response.status);
    default:
      return new AmazonResponseError(
        said(`Amazon rejected the request with HTTP ${response.status}.`, response),
        response.status,
      );
  }
}

/** A request that got no HTTP answer at all: refused, reset, timed out. Always worth retrying. */
export function classifyTransportError(error: unknown): AmazonUnavailableError {
  const code = (error as { code?: string }).code;
  const what = code === 'ETIMEDOUT' ? 'timed out' : `failed (${code ?? 'network error'})`;
  return new AmazonUnavailableError(`The request to Amazon ${what}; try again later.`, undefined, {
    cause: error,
  });
}
