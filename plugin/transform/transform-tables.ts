import type { ValueTransform } from './model.js';
import { gppOptsOutOfSale } from './normalize/gpp.js';
import { MatchKeyRules } from './normalize/match-keys.js';
import { MEMO_TEXT_CHARS, rememberedAnswers } from './normalize/per-country-memo.js';
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

  /** `gppOptsOutOfSale`, each GPP string decoded once (bounded: 10,000 strings of at most 512 characters). */
  readonly gppOptsOut = rememberedAnswers(gppOptsOutOfSale, 10_000, 8 * MEMO_TEXT_CHARS);
}
