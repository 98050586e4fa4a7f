/** The longest text a memo remembers: a longer one is worked out each time, so no memo holds a huge value. */
export const MEMO_TEXT_CHARS = 64;

/**
 * `answer` with each text's answer remembered, for texts that repeat endlessly (locales, GPP strings): at most
 * `limit` texts, none longer than `maxChars` characters (those are worked out each time), so memory stays
 * bounded whatever the input.
 */
export function rememberedAnswers<T>(
  answer: (text: string) => T,
  limit = 10_000,
  maxChars = MEMO_TEXT_CHARS,
): (text: string) => T {
  const answers = new Map<string, T>();
  return (text) => {
    const known = answers.get(text);
    if (known !== undefined || answers.has(text)) return known as T;
    const fresh = answer(text);
    if (answers.size < limit && text.length <= maxChars) answers.set(text, fresh);
    return fresh;
  };
}

/**
 * Answers remembered per country, for values that repeat endlessly (street words, streets, state names): for
 * each country a map of text to answer, at most `limit` entries (countries and answers) in all and none for a
 * text or a country over `MEMO_TEXT_CHARS` characters (any more are not remembered), so memory stays bounded
 * whatever the input.
 */
export function perCountryMemo(limit: number): {
  of(country: string): Map<string, string>;
  remember(answers: Map<string, string>, text: string, answer: string): string;
  readonly size: number;
} {
  const byCountry = new Map<string, Map<string, string>>();
  /** What a country gets when it cannot be remembered: always empty. */
  const none = new Map<string, string>();
  let size = 0;
  return {
    of(country) {
      let answers = byCountry.get(country);
      if (!answers) {
        if (size >= limit || country.length > MEMO_TEXT_CHARS) return none;
        answers = new Map();
        byCountry.set(country, answers);
        size++;
      }
      return answers;
    },
    remember(answers, text, answer) {
      if (answers !== none && size < limit && text.length <= MEMO_TEXT_CHARS) {
        answers.set(text, answer);
        size++;
      }
      return answer;
    },
    get size() {
      return size;
    },
  };
}
