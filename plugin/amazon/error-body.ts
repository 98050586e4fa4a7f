import { redactText } from '../logging/redact.js';
import { maskPersonalText } from '../logging/mask-personal-text.js';
import type { AmazonResponse } from './http.js';

/** Amazon's whole-request error body: `{code, message}` (SPEC), or the legacy `{code, details}`. */
export interface AmazonErrorBody {
  code?: string;
  message?: string;
}

/**
 * Amazon's `code: message` from an error body, redacted and bounded, or '' when there is none. Amazon's text
 * can quote what it refused: personal data in it is masked (`maskPersonalText`) before it is stored or logged.
 */
export function errorDetail(body: string): string {
  const parsed = safeParse(body) as (AmazonErrorBody & { details?: string }) | undefined;
  const code = typeof parsed?.code === 'string' ? parsed.code : undefined;
  const message = typeof parsed?.message === 'string' ? parsed.message : parsed?.details;
  const text = [code, typeof message === 'string' ? message : undefined].filter(Boolean).join(': ');
  return maskPersonalText(redactText(text.slice(0, 300)));
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

/** `message`, with what Amazon said in the response body appended when it said anything. */
export function said(message: string, response: AmazonResponse): string {
  return withDetail(message, errorDetail(response.body));
}
