import rules from 'amazon-dsp-events/amazon-reference/normalization-rules.json' with { type: 'json' };
import { everyCharIn, isDigitCode, replaceRunsOutside } from '../char-class.js';
import { perCountryMemo } from './per-country-memo.js';

/**
 * Amazon's normalisation rules as data: the ordered steps per match key and the lookup tables of Amazon's
 * server-side GTM tag (`amazon-reference/normalization-rules.json`, the project's copy of Amazon's). Each key's
 * steps are compiled once into one function; this file interprets the data and holds no rule of its own.
 */

type Step =
  | { op: 'trim' | 'lowercase' }
  | { op: 'keep'; chars: string }
  | { op: 'replaceSubstrings'; table: string }
  | { op: 'replaceWords' | 'replaceWordsPerCountry'; table: string }
  | { op: 'stripLeadingZeros'; emptyBecomes: string }
  | { op: 'prefixCountryCallingCode'; table: string }
  | { op: 'truncate'; length: number }
  | { op: 'cutAt'; char: string };

interface RulesFile {
  matchKeys: Record<string, { steps: Step[] }>;
  passThroughTypes: { types: string[] };
  preHashed: { regex: string };
  tables: {
    phonePrefixMap: { map: Record<string, string> };
    stateMap: { groups: Array<{ group: string; map: Record<string, string> }> };
    addressMap: Record<string, Record<string, string> | string>;
    [table: string]: unknown;
  };
}

/** Amazon's normalisation rules, as shipped in `amazon-reference/` (static data: nothing is read at run time). */
export const RULES = rules as unknown as RulesFile;

/** A normaliser: raw value and the event's country code (upper case) in, normalised string out. */
export type Normalizer = (raw: string, country: string) => string;

/** Flat `[from, to]` entries of a table, in table order (the stateMap's groups are concatenated). */
export function tableEntries(name: string): Array<[string, string]> {
  const table = RULES.tables[name] as Record<string, unknown>;
  if (name === 'stateMap') return RULES.tables.stateMap.groups.flatMap((g) => Object.entries(g.map));
  if (name === 'phonePrefixMap') return Object.entries(RULES.tables.phonePrefixMap.map);
  return Object.entries(table).filter((e): e is [string, string] => typeof e[1] === 'string');
}

type WordStep = Extract<Step, { op: 'replaceWords' | 'replaceWordsPerCountry' }>;
type SubstringStep = Extract<Step, { op: 'replaceSubstrings' }>;
const isWordStep = (step: Step): step is WordStep =>
  step.op === 'replaceWords' || step.op === 'replaceWordsPerCountry';

/** A word → final word map. Entries apply one after another in table order, so a word produced by an earlier entry can be replaced again by a later one: precomputed per word. */
function finalWords(entries: Array<[string, string]>): Map<string, string> {
  const finalOf = new Map<string, string>();
  for (const [key] of entries) {
    if (finalOf.has(key)) continue;
    let w = key;
    for (const [k, v] of entries) if (w === k) w = v;
    finalOf.set(key, w);
  }
  return finalOf;
}

/** Each country's word table of `addressMap`, keyed by lower-case country code. */
const COUNTRY_WORDS = new Map(
  Object.entries(RULES.tables.addressMap).flatMap(([country, table]) =>
    typeof table === 'object' ? [[country, finalWords(Object.entries(table))] as const] : [],
  ),
);

/** One word step as a lookup: the word's final form under the step (for the country, when per country). */
function wordLookup(step: WordStep): (word: string, country: string) => string {
  if (step.op === 'replaceWordsPerCountry')
    return (word, country) => COUNTRY_WORDS.get(country)?.get(word) ?? word;
  const table = finalWords(tableEntries(step.table));
  return (word) => table.get(word) ?? word;
}

/** What a word or substring step replaces with what, over all countries for a per-country step. */
function stepEntries(step: WordStep | SubstringStep): Array<[string, string]> {
  if (step.op === 'replaceWordsPerCountry') return [...COUNTRY_WORDS.values()].flatMap((m) => [...m]);
  return tableEntries(step.table);
}

/**
 * One test for "does the text hold any of these substrings?" (most values hold none). Tables of single
 * characters (delimiters, accents) are tested by character code, which costs less than a regular expression.
 */
function containsAny(keys: string[]): (text: string) => boolean {
  if (!keys.every((k) => k.length === 1)) return (text) => keys.some((k) => text.includes(k));
  const codes = new Set(keys.map((k) => k.charCodeAt(0)));
  const min = Math.min(...codes);
  const max = Math.max(...codes);
  return (text) => {
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c >= min && c <= max && codes.has(c)) return true;
    }
    return false;
  };
}

export function substringReplacer(entries: Array<[string, string]>): (text: string) => string {
  const present = containsAny(entries.map(([from]) => from));
  return (text) => {
    if (!present(text)) return text;
    let out = text;
    for (const [from, to] of entries) if (out.includes(from)) out = out.replaceAll(from, to);
    return out;
  };
}

const keepPattern = (chars: string): RegExp => new RegExp(`[^${chars.replace(/[\]\\^]/g, '\\$&')}]`, 'g');

const allDigits = everyCharIn((char) => isDigitCode(char.charCodeAt(0)));
/** A word of digits only (a house number) comes through these steps as it is: none looks for a key of digits. */
const digitsPassThrough = (steps: Array<WordStep | SubstringStep>): boolean =>
  !steps.some((step) => stepEntries(step).some(([key]) => key !== '' && allDigits(key)));

/**
 * Word by word (words split on single spaces): each word's final form per country computed once and remembered
 * (bounded: 50,000 words in all). Scans with indexOf rather than split/join: no array per value, which
 * halves the cost. When the steps leave words of digits as they are (`digitsStay`), such a word is taken as it
 * is: house numbers are the most varied words, and the memo then holds only street words.
 */
function memoisedWords(
  finalWord: (word: string, country: string) => string,
  digitsStay: boolean,
): (text: string, country: string, joiner: string) => string {
  const memo = perCountryMemo(50_000);
  return (text, country, joiner) => {
    const words = memo.of(country);
    let out = '';
    for (let start = 0; ;) {
      const space = text.indexOf(' ', start);
      const word = text.slice(start, space < 0 ? text.length : space);
      const final =
        digitsStay && word !== '' && allDigits(word)
          ? word
          : (words.get(word) ?? memo.remember(words, word, finalWord(word, country)));
      out = start === 0 ? final : out + joiner + final;
      if (space < 0) return out;
      start = space + 1;
    }
  };
}

/** Word steps in a row, as one pass; composing them is only valid when no replacement holds a space. */
function composedWordSteps(steps: WordStep[]): Normalizer {
  const lookups = steps.map(wordLookup);
  const apply = memoisedWords(
    (word, country) => lookups.reduce((w, lookup) => lookup(w, country), word),
    digitsPassThrough(steps),
  );
  return (text, country) => apply(text, country.toLowerCase(), ' ');
}

function compileStep(step: Step): Normalizer {
  switch (step.op) {
    case 'trim':
      return (s) => s.trim();
    case 'lowercase':
      return (s) => s.toLowerCase();
    case 'keep': {
      const drop = keepPattern(step.chars);
      // A class of ASCII characters (every rule's) drops all else: one pass, and no new string when every
      // character is kept, which is most values.
      if ([...step.chars].every((char) => char.charCodeAt(0) < 128))
        return replaceRunsOutside((char) => char.replace(drop, '') !== '', '');
      return (s) => s.replace(drop, '');
    }
    case 'replaceSubstrings':
      return substringReplacer(tableEntries(step.table));
    case 'replaceWords':
    case 'replaceWordsPerCountry':
      return composedWordSteps([step]);
    case 'stripLeadingZeros':
      return (s) => s.replace(/^0+/, '') || step.emptyBecomes;
    case 'prefixCountryCallingCode': {
      const codes = RULES.tables.phonePrefixMap.map;
      return (s, country) => {
        const code = codes[country.toLowerCase()];
        return code && !s.startsWith(code) ? code + s : s;
      };
    }
    case 'truncate':
      return (s) => s.slice(0, step.length);
    case 'cutAt':
      return (s) => {
        const i = s.indexOf(step.char);
        return i < 0 ? s : s.slice(0, i);
      };
  }
}

/** The steps of a rule compiled to functions, with runs of composable word steps (and trim + lowercase) merged. */
function compileSteps(steps: Step[]): Normalizer[] {
  const out: Normalizer[] = [];
  for (let i = 0; i < steps.length;) {
    const run: WordStep[] = [];
    while (i + run.length < steps.length && isWordStep(steps[i + run.length]!))
      run.push(steps[i + run.length] as WordStep);
    if (run.length > 1 && !run.some((step) => stepEntries(step).some(([, to]) => to.includes(' ')))) {
      out.push(composedWordSteps(run));
      i += run.length;
    } else if (steps[i]!.op === 'trim' && steps[i + 1]?.op === 'lowercase') {
      out.push((s) => s.trim().toLowerCase()); // the opening of most rules, as one step
      i += 2;
    } else {
      out.push(compileStep(steps[i]!));
      i++;
    }
  }
  return out;
}

/**
 * Word by word, for a rule shaped `trim/lowercase…, word and substring replacements…, keep` (the address rule)
 * whose final keep drops spaces. Every middle step then acts on each space-separated word alone: a word step by
 * definition, a substring step because none of its keys holds a space, so no key can match across words (a
 * replacement that brings spaces only makes more words). So the rule's result is the concatenation of each
 * word's own result through the same steps, and a word's result is remembered per country: street words repeat
 * endlessly. Undefined for a rule of another shape.
 */
function wordByWord(steps: Step[]): Normalizer | undefined {
  let first = 0;
  while (steps[first]?.op === 'trim' || steps[first]?.op === 'lowercase') first++;
  const last = steps[steps.length - 1];
  if (last?.op !== 'keep' || ' '.replace(keepPattern(last.chars), '') !== '') return undefined;
  const middle = steps.slice(first, -1);
  const substrings = middle.filter((s): s is SubstringStep => s.op === 'replaceSubstrings');
  if (!middle.some(isWordStep) || middle.some((s) => !isWordStep(s) && s.op !== 'replaceSubstrings'))
    return undefined;
  if (substrings.some((s) => tableEntries(s.table).some(([from]) => from.includes(' ')))) return undefined;
  const lead = chain(compileSteps(steps.slice(0, first)));
  const word = chain([...compileSteps(middle), compileStep(last)]);
  const keepsDigits = '0123456789'.replace(keepPattern(last.chars), '') === '0123456789';
  const digitsStay = keepsDigits && digitsPassThrough(middle as Array<WordStep | SubstringStep>);
  const apply = memoisedWords(word, digitsStay);
  const wordsOf: Normalizer = (raw, country) => apply(lead(raw, country), country, '');
  return digitsStay ? rememberedStreets(wordsOf) : wordsOf;
}

/**
 * Where the street starts after a house number in front (`123 Main Street`): past the digits and one space,
 * when a visible ASCII character follows it; else 0.
 */
function streetStart(text: string): number {
  let i = 0;
  while (i < text.length && isDigitCode(text.charCodeAt(i))) i++;
  const next = text.charCodeAt(i + 1);
  return i > 0 && text.charCodeAt(i) === 32 && next > 32 && next < 127 ? i + 1 : 0;
}

/**
 * A word-by-word rule under which words of digits stay as they are, with the street after a house number
 * remembered whole per country (bounded: 20,000 streets in all): streets repeat endlessly, house numbers vary.
 * The rule works word by word and joins with nothing, and the number is a word of its own that comes through
 * as it is, so the result is the number followed by the street's own result. Neither trimming nor lower case
 * reaches across the space (the street starts with a visible character), so the street alone gives what it
 * gives inside the whole text.
 */
function rememberedStreets(wordsOf: Normalizer): Normalizer {
  const streets = perCountryMemo(20_000);
  return (raw, country) => {
    const start = streetStart(raw);
    const street = start === 0 ? raw : raw.slice(start);
    const answers = streets.of(country);
    const result = answers.get(street) ?? streets.remember(answers, street, wordsOf(street, country));
    return start === 0 ? result : raw.slice(0, start - 1) + result;
  };
}

/**
 * The tag's normaliser for a match key type, compiled from its steps, for text already trimmed (every match key
 * value is trimmed first), so a rule's opening trim is left out; runs of word steps merged, and word by word
 * where the rule allows it. `plainTagNormalizer` is the same rule step by step, for any text.
 */
export function tagNormalizer(type: string): Normalizer {
  const steps = ruleSteps(type);
  const afterTrim = steps[0]?.op === 'trim' ? steps.slice(1) : steps;
  return wordByWord(afterTrim) ?? chain(compileSteps(afterTrim));
}

/** The rule's steps one by one, each as the data says, nothing merged: the reference the tests hold the compiled normaliser to. */
export function plainTagNormalizer(type: string): Normalizer {
  return chain(ruleSteps(type).map(compileStep));
}

function ruleSteps(type: string): Step[] {
  const rule = RULES.matchKeys[type];
  if (!rule) throw new Error(`normalization-rules.json has no rule for ${type}`);
  return rule.steps;
}

function chain(steps: Normalizer[]): Normalizer {
  const [first, second] = steps;
  if (steps.length === 1) return first!;
  if (steps.length === 2) return (raw, country) => second!(first!(raw, country), country);
  return (raw, country) => {
    let s = raw;
    for (const step of steps) s = step(s, country);
    return s;
  };
}
