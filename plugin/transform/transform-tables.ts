import type { ValueTransform } from './model.js';
import { gppOptsOutOfSale } from './normalize/gpp.js';
import { MatchKeyRules } from './normalize/match-keys.js';
import { MEMO_TEXT_CHARS } from './normalize/per-country-memo.js';
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
  private readonly gppAnswers = new Map<string, boolean>();

  /** `gppOptsOutOfSale`, each GPP string decoded once (bounded: 10,000 strings of at most 512 characters). */
  readonly gppOptsOut = (gpp: string): boolean => {
    let answer = this.gppAnswers.get(gpp);
    if (answer === undefined) {
      answer = gppOptsOutOfSale(gpp);
      if (this.gppAnswers.size < 10_000 && gpp.length <= 8 * MEMO_TEXT_CHARS)
        this.gppAnswers.set(gpp, answer);
    }
    return answer;
  };
}
