import { troubleshooting } from '../catalog/manifest.js';
import {
  AccessDeniedError,
  AmazonResponseError,
  AmazonUnavailableError,
  AuthError,
  NotFoundError,
  type PluginError,
} from '../errors.js';
import { redactText } from '../logging/redact.js';
import type { AmazonResponse } from './http.js';

/** Amazon's whole-request error body: `{code, message}` (SPEC), or the legacy `{code, details}`. */
export interface AmazonErrorBody {
  code?: string;
  message?: string;
}

/** `status → error` for whole-request failures. One row per status family; order matters. */
const STATUS_TABLE: ReadonlyArray<{
  matches: (status: number) => boolean;
  make: (detail: string, status: number) => PluginError;
}> = [
  { matches: (s) => s === 401, make: (d) => new AuthError(withDetail(troubleshooting('401'), d)) },
  { matches: (s) => s === 403, make: (d) => new AccessDeniedError(withDetail(troubleshooting('403'), d)) },
  { matches: (s) => s === 404, make: (d) => new NotFoundError(withDetail(troubleshooting('404'), d)) },
  {
    matches: (s) => s === 429,
    make: (d, s) => new AmazonUnavailableError(withDetail(troubleshooting('429'), d), s),
  },
  {
    matches: (s) => s >= 500 || s === 408,
    make: (d, s) =>
      new AmazonUnavailableError(withDetail(`Amazon answered HTTP ${s}; try again later.`, d), s),
  },
];

/** Turns a non-success answer into the plugin's typed error, with Amazon's own code and message appended. */
export function classifyFailure(response: AmazonResponse): PluginError {
  const detail = errorDetail(response.body);
  const row = STATUS_TABLE.find((r) => r.matches(response.status));
  if (row) return row.make(detail, response.status);
  return new AmazonResponseError(
    withDetail(`Amazon rejected the request with HTTP ${response.status}.`, detail),
    response.status,
  );
}

/** A request that got no HTTP answer at all: refused, reset, timed out. Always worth retrying. */
export function classifyTransportError(error: unknown): AmazonUnavailableError {
  const code = (error as { code?: string }).code;
  const what = code === 'ETIMEDOUT' ? 'timed out' : `failed (${code ?? 'network error'})`;
  return new AmazonUnavailableError(`The request to Amazon ${what}; try again later.`, undefined, {
    cause: error,
  });
}

/** Amazon's `code: message` from an error body, redacted and bounded, or '' when there is none. */
export function errorDetail(body: string): string {
  const parsed = safeParse(body) as (AmazonErrorBody & { details?: string }) | undefined;
  const code = typeof parsed?.code === 'string' ? parsed.code : undefined;
  const message = typeof parsed?.message === 'string' ? parsed.message : parsed?.details;
  const text = [code, typeof message === 'string' ? message : undefined].filter(Boolean).join(': ');
  return redactText(text.slice(0, 300));
}

function withDetail(message: string, detail: string): string {
  return detail ? `${message} (Amazon said: ${detail})` : message;
}

export function safeParse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
