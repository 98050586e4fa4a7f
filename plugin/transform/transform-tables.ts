import type { ValueTransform } from './model.js';
import { MatchKeyRules } from './normalize/match-keys.js';
import { createValueTransforms } from './value-transforms.js';

/**
 * What compiled blueprints share within one plugin container: the value transforms and the match key rules,
 * with the bounded memos that make repeated values cheap (countries, street words, states). Made once at start
 * by the container (`createPluginContainer`), never at import, so two containers (two tests, two hosts in one
 * process) share no state.
 */
export class TransformTables {
  readonly valueTransforms: Readonly<Record<string, ValueTransform>> = createValueTransforms();
  readonly matchKeys = new MatchKeyRules();
}
