type Json = unknown;

const isObject = (v: Json): v is Record<string, Json> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * JSON Merge Patch (RFC 7396): the patch's keys over the target's, recursively for objects; `null` removes a
 * key; anything else (a list, a string) replaces the value whole. Neither input is changed. Keys are data:
 * `__proto__`, `constructor` or `prototype` become plain own keys (which validation then refuses as unknown),
 * never the result's prototype, and nothing is read through the prototype chain.
 */
export function mergePatch(target: Json, patch: Json): Json {
  if (!isObject(patch)) return patch;
  const out: Record<string, Json> = {};
  if (isObject(target)) for (const [key, value] of Object.entries(target)) own(out, key, value);
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete out[key];
    else own(out, key, mergePatch(Object.hasOwn(out, key) ? out[key] : undefined, value));
  }
  return out;
}

function own(object: Record<string, Json>, key: string, value: Json): void {
  Object.defineProperty(object, key, { value, enumerable: true, writable: true, configurable: true });
}
