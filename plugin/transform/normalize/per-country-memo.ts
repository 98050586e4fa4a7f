/**
 * Answers remembered per country, for values that repeat endlessly (street words, state names): for each
 * country a map of text to answer, at most `limit` answers in each of at most 300 countries (there are fewer;
 * any more are not remembered), so memory stays bounded whatever the input.
 */
export function perCountryMemo(limit: number): {
  of(country: string): Map<string, string>;
  remember(answers: Map<string, string>, text: string, answer: string): string;
} {
  const byCountry = new Map<string, Map<string, string>>();
  return {
    of(country) {
      let answers = byCountry.get(country);
      if (!answers) {
        answers = new Map();
        if (byCountry.size < 300) byCountry.set(country, answers);
      }
      return answers;
    },
    remember(answers, text, answer) {
      if (answers.size < limit) answers.set(text, answer);
      return answer;
    },
  };
}
