import { openApiValidator } from './openapi.js';
import { RULES_BY_STRICTNESS, type RuleEnv } from './amazon-rules.js';

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
  env: Omit<RuleEnv, 'eventTime'>,
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
  const errors: SandboxEventError[] = [];
  const add = (code: string, message: string, path: string): void => {
    if (errors.length < 20) errors.push({ code, message, fieldLocation: at(path) });
  };
  const eventEnv: RuleEnv = { ...env, eventTime: Date.parse(ev.eventTime as string) };
  for (const rule of RULES_BY_STRICTNESS[strict ? 'strict' : 'amazon']) rule.check(ev, eventEnv, add);
  return errors;
}
