import { inject, injectable } from 'tsyringe';
import { MANIFEST } from '../catalog/manifest.js';
import { readPackageJson } from '../project-files.js';
import { SchemaRegistry } from '../schemas/schema-registry.js';
import type { FieldError } from '../errors.js';
import type { Installation } from '../installation.js';
import { compileBlueprint } from './compile-blueprint.js';
import type { Blueprint, CompiledBlueprint } from './model.js';
import { TransformTables } from './transform-tables.js';

/**
 * The shipped blueprints, read and checked against schemas/blueprint.schema.json once at start-up, and the
 * compiled blueprint of each installation (its variant plus its custom events), compiled on first use.
 */
@injectable()
export class BlueprintRegistry {
  private readonly shipped = new Map<string, Blueprint>();
  private readonly compiled = new Map<string, CompiledBlueprint>();
  /** Blueprints given in place of the variant's (dry runs), compiled once per object and installation. */
  private readonly overrides = new WeakMap<Blueprint, Map<string, CompiledBlueprint>>();

  constructor(
    @inject(SchemaRegistry) private readonly schemas: SchemaRegistry,
    @inject(TransformTables) private readonly tables: TransformTables,
  ) {
    for (const variant of MANIFEST.variants) {
      const blueprint = readPackageJson<Blueprint>(variant.blueprint);
      const errors = this.validate(blueprint);
      if (errors.length > 0) {
        throw new Error(
          `${variant.blueprint} is invalid: ${errors.map((e) => `${e.field}: ${e.message}`).join('; ')}`,
        );
      }
      this.shipped.set(variant.blueprint, blueprint);
    }
  }

  validate(blueprint: unknown): FieldError[] {
    return this.schemas.validate('blueprint', blueprint);
  }

  shippedBlueprint(path: string): Blueprint {
    const blueprint = this.shipped.get(path);
    if (!blueprint) throw new Error(`no shipped blueprint ${path}`);
    return blueprint;
  }

  /**
   * The installation's blueprint, compiled once for its id, variant and custom events (so two installations
   * that share an id but not their events, such as two dry runs, never share one); `override` replaces the
   * variant's (the dry-run CLI's --blueprint).
   */
  forInstallation(installation: Installation, override?: Blueprint): CompiledBlueprint {
    let cache = this.compiled;
    if (override) {
      cache = this.overrides.get(override) ?? new Map<string, CompiledBlueprint>();
      this.overrides.set(override, cache);
    }
    const { id, blueprint, config } = installation;
    const key = JSON.stringify([id, blueprint, config.custom_events ?? {}]);
    const cached = cache.get(key);
    if (cached) return cached;
    const compiled = compileBlueprint(
      override ?? this.shippedBlueprint(blueprint),
      config.custom_events,
      this.tables,
    );
    cache.set(key, compiled);
    if (cache.size > 1_000) cache.delete(cache.keys().next().value!);
    return compiled;
  }
}
