import { MANIFEST } from '../../plugin/catalog/manifest.js';
import { readPackageJson } from '../../plugin/project-files.js';
import { eventKey, type Blueprint } from '../../plugin/transform/model.js';

let names: ReadonlySet<string> | undefined;

/**
 * Whether `name` is an event name or alias of a shipped blueprint, compared as the transform compares them
 * (`Order Completed` = `order_completed`). The blueprints are read on the first call, not at import.
 */
export function isBlueprintEventName(name: string): boolean {
  names ??= new Set(
    MANIFEST.variants.flatMap((variant) =>
      Object.entries(readPackageJson<Blueprint>(variant.blueprint).events).flatMap(([key, entry]) => [
        eventKey(key),
        ...(entry.aliases ?? []).map(eventKey),
      ]),
    ),
  );
  return names.has(eventKey(name));
}
