import { inject, injectable } from 'tsyringe';
import { MANIFEST } from '../catalog/manifest.js';
import { readPackageJson } from '../project-files.js';
import { SchemaRegistry } from '../schemas/schema-registry.js';
import type { FieldError } from '../errors.js';
import type { Installation } from '../installation.js';
import { compileBlueprint, type Blueprint, type CompiledBlueprint } from './blueprint.js';

/**
 * The shipped blueprints, read and checked against schemas/blueprint.schema.json once at start-up, and the
 * compiled blueprint of each installation (its variant plus its custom events), compiled on first use.
 */
@injectable()
export class BlueprintRegistry {
  private readonly shipped = new Map<string, Blueprint>();
  private readonly compiled = new Map<string, CompiledBlueprint>();

  constructor(@inject(SchemaRegistry) private readonly schemas: SchemaRegistry) {
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

  /** The installation's blueprint, compiled once; `override` replaces the variant's (the dry-run CLI's --blueprint). */
  forInstallation(installation: Installation, override?: Blueprint): CompiledBlueprint {
    const key = override ? undefined : installation.id;
    const cached = key ? this.compiled.get(key) : undefined;
    if (cached) return cached;
    const compiled = compileBlueprint(
      override ?? this.shippedBlueprint(installation.blueprint),
      installation.config.custom_events,
    );
    if (key) {
      this.compiled.set(key, compiled);
      if (this.compiled.size > 1_000) this.compiled.delete(this.compiled.keys().next().value!);
    }
    return compiled;
  }
}
