import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { readPackageJson } from '../plugin/project-files.js';

const addFormats = ((addFormatsModule as unknown as { default?: typeof addFormatsModule }).default ??
  addFormatsModule) as unknown as (ajv: Ajv) => Ajv;

/** Amazon's own OpenAPI extract (a copy of ../shared/amazon/openapi-events.json), compiled with ajv. */
export const OPENAPI_FILE = 'amazon-reference/openapi-events.json';

let ajv: Ajv | undefined;

/** A validator for `#/components/schemas/<name>` of Amazon's OpenAPI file. */
export function openApiValidator(name: string): ValidateFunction {
  if (!ajv) {
    ajv = new Ajv({ allErrors: true, strict: false });
    addFormats(ajv);
    for (const f of ['int32', 'int64', 'double', 'float']) ajv.addFormat(f, true);
    ajv.addSchema(readPackageJson<object>(OPENAPI_FILE), 'openapi');
  }
  const v = ajv.getSchema(`openapi#/components/schemas/${name}`);
  if (!v) throw new Error(`no schema ${name} in ${OPENAPI_FILE}`);
  return v;
}
