import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { readPackageJson } from '../project-files.js';
import type { FieldError } from '../errors.js';

// ajv-formats is CommonJS; under ESM its default export arrives wrapped.
const addFormats = ((addFormatsModule as unknown as { default?: typeof addFormatsModule }).default ??
  addFormatsModule) as unknown as (ajv: Ajv) => Ajv;

/** The JSON Schemas of schemas/, by name. */
export const SCHEMA_FILES = {
  config: 'schemas/config.schema.json',
  installRequest: 'schemas/install-request.schema.json',
  blueprint: 'schemas/blueprint.schema.json',
} as const;

export type SchemaName = keyof typeof SCHEMA_FILES;

/**
 * One ajv instance; every schema added at start-up, each compiled once, on its first use (a dry run compiles
 * only the config's, 0.1 s sooner). `validate` turns ajv's errors into one plain
 * sentence per field (`config.profile_id: is required`), never a dump of ajv internals.
 */
export class SchemaRegistry {
  private readonly ajv: Ajv;
  private readonly validators = new Map<string, ValidateFunction>();
  private readonly ids = new Map<string, string>();

  constructor(extra: Record<string, string> = {}) {
    this.ajv = new Ajv({
      allErrors: true,
      verbose: true,
      strict: true,
      strictRequired: false,
      allowUnionTypes: true,
      useDefaults: false,
    });
    addFormats(this.ajv);
    this.ajv.addKeyword({ keyword: 'x-error-message', schemaType: 'string' });
    // The field an `anyOf` of alternatives is reported on (config: access_token, or connection_id).
    this.ajv.addKeyword({ keyword: 'x-error-field', schemaType: 'string' });
    const files = Object.entries({ ...SCHEMA_FILES, ...extra });
    const schemas = files.map(([name, file]) => [name, readPackageJson<{ $id: string }>(file)] as const);
    // Added together first, so one schema may $ref another (config → blueprint event entries).
    for (const [, schema] of schemas) this.ajv.addSchema(schema);
    for (const [name, schema] of schemas) this.ids.set(name, schema.$id);
  }

  private validator(name: string): ValidateFunction {
    let validator = this.validators.get(name);
    if (!validator) {
      const id = this.ids.get(name);
      if (!id) throw new Error(`schema ${name} is not registered`);
      validator = this.ajv.getSchema(id)!;
      this.validators.set(name, validator);
    }
    return validator;
  }

  /** Every problem of `data` against schema `name`, each with its field path under `prefix`. */
  validate(name: string, data: unknown, prefix = ''): FieldError[] {
    const validator = this.validator(name);
    if (validator(data)) return [];
    // An anyOf says its own sentence; the errors of each alternative it lists would only repeat it. An `if`
    // only says that its branch failed: the branch's own errors say how.
    const errors = (validator.errors ?? []).filter(
      (e) => e.keyword !== 'if' && !/\/anyOf\/\d+\//.test(e.schemaPath),
    );
    return dedupe(errors.map((e) => toFieldError(e, prefix)));
  }

  /** The compiled schema object, for tools that read its annotations (writeOnly, titles). */
  schema(name: string): Record<string, unknown> {
    return this.validator(name).schema as Record<string, unknown>;
  }
}

function toFieldError(e: ErrorObject, prefix: string): FieldError {
  const path = e.instancePath
    .split('/')
    .slice(1)
    .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
  const field = (extra: string[] = []): string =>
    [prefix, ...path, ...extra].filter(Boolean).join('.') || '(root)';
  const custom = (e.parentSchema as { 'x-error-message'?: string } | undefined)?.['x-error-message'];
  const p = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case 'required':
      return { field: field([String(p.missingProperty)]), message: 'is required' };
    case 'dependencies':
      return {
        field: field([String(p.missingProperty)]),
        message: `is required when ${String(p.property)} is set`,
      };
    case 'additionalProperties':
      return { field: field([String(p.additionalProperty)]), message: 'is not a known field' };
    case 'type':
      return { field: field(), message: `must be ${article(String(p.type))}` };
    case 'enum':
      return {
        field: field(),
        message: custom ?? `must be one of ${(p.allowedValues as unknown[]).join(', ')}`,
      };
    case 'const':
      return { field: field(), message: custom ?? `must be ${JSON.stringify(p.allowedValue)}` };
    case 'minLength':
      return {
        field: field(),
        message: p.limit === 1 ? 'must not be empty' : `must be at least ${p.limit} characters`,
      };
    case 'maxLength':
      return { field: field(), message: `must be at most ${p.limit} characters` };
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum':
      return { field: field(), message: `must be ${p.comparison} ${p.limit}` };
    case 'minItems':
      return { field: field(), message: `must have at least ${p.limit} item${p.limit === 1 ? '' : 's'}` };
    case 'maxItems':
      return { field: field(), message: `must have at most ${p.limit} items` };
    case 'minProperties':
      return { field: field(), message: 'must not be empty' };
    case 'maxProperties':
      return { field: field(), message: `must have at most ${p.limit} entries` };
    case 'oneOf':
      return { field: field(), message: custom ?? 'must match exactly one allowed form' };
    case 'anyOf': {
      const on = (e.parentSchema as { 'x-error-field'?: string } | undefined)?.['x-error-field'];
      return { field: field(on ? [on] : []), message: custom ?? 'must match one of the allowed forms' };
    }
    case 'propertyNames':
      return { field: field([String(p.propertyName)]), message: 'is not an allowed name' };
    default:
      return { field: field(), message: custom ?? e.message ?? 'is invalid' };
  }
}

function article(type: string): string {
  const t = type.replace(/,/g, ' or ');
  return /^[aeiou]/.test(t) ? `an ${t}` : `a ${t}`;
}

function dedupe(errors: FieldError[]): FieldError[] {
  const seen = new Set<string>();
  return errors.filter((e) => {
    const k = `${e.field}\u0000${e.message}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}
