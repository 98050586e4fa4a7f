import { maskEmails } from './mask-emails.js';
import { maskPersonalText } from './mask-personal-text.js';
import { REDACTED, type SecretRegistry } from './secret-registry.js';

/**
 * Keys whose values never reach a log, at any depth: credentials and raw personal data.
 * Compared lower-cased with `-` and `_` removed, so `Access-Token`, `access_token` and `accessToken` all match.
 */
const SENSITIVE_KEYS = new Set(
  [
    'authorization',
    'access_token',
    'refresh_token',
    'client_secret',
    'token',
    'password',
    'secret',
    'api_key',
    'api_token',
    'cookie',
    'set_cookie',
    'email',
    'phone',
    'first_name',
    'last_name',
    'name_first',
    'name_last',
    'address',
    'street',
    'postal_code',
    'zip',
    'zip_code',
    'ip',
    'ip_address',
    'birthday',
    'user_agent',
  ].map(normaliseKey),
);

/** Patterns of credentials that may hide inside free text (e-mail addresses are masked by `maskEmails`). */
const SENSITIVE_PATTERNS: ReadonlyArray<[RegExp, string]> = [
  [/\bBearer\s+[^\s"',}]+/gi, `Bearer ${REDACTED}`],
  [/\bAtz[ar]\|[^\s"',}]+/g, REDACTED],
  [/\bamzn_ads\|[^\s"',}]+/g, REDACTED],
  [/\bamzn1\.oa2-cs\.[^\s"',}]+/g, REDACTED],
];

/**
 * Keys whose string values are text from outside (Amazon's answers, outcome reasons): IP literals, phone,
 * SSN and card-shaped digit groups and names are masked too (`maskPersonalText`), not only e-mails.
 */
const FREE_TEXT_KEYS = new Set(
  ['error', 'reason', 'details', 'detail', 'outcome_message', 'amazon_said'].map(normaliseKey),
);

function normaliseKey(key: string): string {
  return key.toLowerCase().replace(/[-_]/g, '');
}

export function isSensitiveKey(key: string): boolean {
  return SENSITIVE_KEYS.has(normaliseKey(key));
}

export function redactText(text: string, secrets?: SecretRegistry): string {
  let out = secrets ? secrets.scrub(text) : text;
  for (const [pattern, replacement] of SENSITIVE_PATTERNS) out = out.replace(pattern, replacement);
  return maskEmails(out);
}

/** A deep copy of `value` with sensitive keys and patterns replaced (in keys too). Cycles and depth are bounded. */
export function redactValue(
  value: unknown,
  secrets?: SecretRegistry,
  depth = 0,
  seen = new WeakSet<object>(),
): unknown {
  if (typeof value === 'string') return redactText(value, secrets);
  if (value === null || typeof value !== 'object') return value;
  if (depth > 12 || seen.has(value)) return '[…]';
  seen.add(value);
  if (value instanceof Error) {
    const code = (value as { code?: unknown }).code;
    const message = maskPersonalText(redactText(value.message, secrets));
    return { name: value.name, message, ...(code ? { code } : {}) };
  }
  if (Array.isArray(value)) return value.map((v) => redactValue(v, secrets, depth + 1, seen));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    out[maskEmails(k)] =
      isSensitiveKey(k) && v !== undefined && v !== null
        ? REDACTED
        : typeof v === 'string' && FREE_TEXT_KEYS.has(normaliseKey(k))
          ? maskPersonalText(redactText(v, secrets))
          : redactValue(v, secrets, depth + 1, seen);
  }
  return out;
}
