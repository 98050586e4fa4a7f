import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { PACKAGE_ROOT } from '../../plugin/project-files.js';

const addFormats = ((addFormatsModule as unknown as { default?: typeof addFormatsModule }).default ??
  addFormatsModule) as unknown as (ajv: Ajv) => Ajv;

/**
 * Amazon's own OpenAPI file, in the repository's copy (`amazon-reference/`). `test/reference-copies.test.ts`
 * holds the copy to Amazon's file wherever the original is at hand.
 */
export const AMAZON_OPENAPI = join(PACKAGE_ROOT, 'amazon-reference', 'openapi-events.json');

let ajv: Ajv | undefined;

/** An ajv validator for `#/components/schemas/<name>` of Amazon's OpenAPI file. */
export function amazonSchema(name: 'EventCreate' | 'CreateEventRequest'): ValidateFunction {
  if (!ajv) {
    ajv = new Ajv({ allErrors: true, strict: false });
    addFormats(ajv);
    for (const f of ['int32', 'int64', 'double', 'float']) ajv.addFormat(f, true);
    ajv.addSchema(JSON.parse(readFileSync(AMAZON_OPENAPI, 'utf8')), 'openapi');
  }
  return ajv.getSchema(`openapi#/components/schemas/${name}`)!;
}

/**
 * ajv's errors for `value` against the schema, [] when valid: `expect(errorsAgainst(...)).toEqual([])`. The
 * value is checked as Amazon receives it, through JSON (NaN becomes null, undefined keys go).
 */
export function errorsAgainst(name: 'EventCreate' | 'CreateEventRequest', value: unknown): string[] {
  const validate = amazonSchema(name);
  const sent: unknown = value === undefined ? undefined : JSON.parse(JSON.stringify(value));
  return validate(sent) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message}`);
}
