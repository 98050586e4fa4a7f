import { openApiValidator } from './openapi.js';
import { EVENT_RULES, type RuleEnv } from './amazon-rules.js';

/** One per-event error, as Amazon's 207 lists it. */
export interface SandboxEventError {
  code: string;
  message: string;
  fieldLocation?: string;
}

/**
 * Amazon's per-event rules: the OpenAPI `EventCreate` schema first, then each rule of `EVENT_RULES` that the
 * schema cannot say (the `strict` ones only with `strict`). Empty when the event is accepted.
 */
export function validateEvent(
  event: unknown,
  index: number,
  env: RuleEnv,
  strict = false,
): SandboxEventError[] {
  const at = (path: string): string => `events[${index}]${path}`;
  const schema = openApiValidator('EventCreate');
  if (!schema(event)) {
    return (schema.errors ?? []).slice(0, 20).map((e) => ({
      code: e.keyword === 'required' ? 'FIELD_VALUE_IS_NULL' : 'FIELD_VALUE_IS_INVALID',
      message: `${e.instancePath || 'event'} ${e.message ?? 'is invalid'}`,
      fieldLocation: at(e.instancePath.replace(/\//g, '.')),
    }));
  }
  const ev = event as Record<string, unknown>;
  return EVENT_RULES.filter((rule) => strict || rule.level === 'amazon')
    .flatMap((rule) => rule.check(ev, env))
    .slice(0, 20)
    .map(([code, message, path]) => ({ code, message, fieldLocation: at(path) }));
}
