import { withoutAccents } from '../char-class.js';
import { perCountryMemo } from './per-country-memo.js';
import { RULES, substringReplacer, tableEntries } from './tag-rules.js';

/** The accent table with its "does any key occur?" test first, so a plain name costs one scan. */
const accents = substringReplacer(tableEntries('specialCharacterMap'));
const NOT_ALPHANUMERIC = /[^a-z0-9]/;

/** Lower case, the tag's accent map (ä → ae, ß → ss, …), then any other accent stripped, letters and digits. */
function fold(value: string): string {
  const s = accents(value.trim().toLowerCase());
  if (!NOT_ALPHANUMERIC.test(s)) return s;
  return withoutAccents(s).replace(/[^a-z0-9]/g, '');
}

const BY_COUNTRY = new Map<string, Map<string, string>>(
  RULES.tables.stateMap.groups.map((g) => [
    g.group,
    new Map(Object.entries(g.map).map(([name, code]) => [fold(name), code])),
  ]),
);
/** Every country's names, the first country in table order winning a name two countries share. */
const ANY_COUNTRY = new Map<string, string>([...BY_COUNTRY.values()].reverse().flatMap((m) => [...m]));

/**
 * States and provinces: the full name looked up exactly in the event country's table (`West Virginia` → `wv`,
 * `Saxony-Anhalt` → `st`, `São Paulo` → `sp`), not by substring over every country as the tag does; a
 * country without a table searches all. A name not found keeps its first two characters, as in the tag.
 */
export function normalizeState(raw: string, country: string): string {
  const folded = fold(raw);
  const own = BY_COUNTRY.get(country);
  const code = (own ?? ANY_COUNTRY).get(folded);
  return (code ?? folded).slice(0, 2);
}

/** `normalizeState` with each country's answers remembered: state names repeat endlessly (a few dozen per country). */
export function rememberedStates(): (raw: string, country: string) => string {
  const memo = perCountryMemo(10_000);
  return (raw, country) => {
    const answers = memo.of(country);
    return answers.get(raw) ?? memo.remember(answers, raw, normalizeState(raw, country));
  };
}
