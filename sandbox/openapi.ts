import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

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
    ajv.addSchema(JSON.parse(readFileSync(referenceFile(OPENAPI_FILE), 'utf8')) as object, 'openapi');
  }
  const v = ajv.getSchema(`openapi#/components/schemas/${name}`);
  if (!v) throw new Error(`no schema ${name} in ${OPENAPI_FILE}`);
  return v;
}

/** A file of the package by its path from the root, looked for above this module (sandbox/ or dist/sandbox/). */
function referenceFile(path: string): string {
  for (let dir = dirname(fileURLToPath(import.meta.url)); ; dir = dirname(dir)) {
    if (existsSync(join(dir, path))) return join(dir, path);
    if (dirname(dir) === dir) throw new Error(`Amazon's reference file ${path} is missing from the package`);
  }
}
