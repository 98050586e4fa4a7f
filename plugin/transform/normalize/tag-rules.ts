import { readPackageJson } from '../../project-files.js';

/**
 * Amazon's normalisation rules as data: the ordered steps per match key and the lookup tables of Amazon's
 * server-side GTM tag (`amazon-reference/normalization-rules.json`, a copy of ../shared/amazon). Each key's
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

export const RULES = readPackageJson<RulesFile>('amazon-reference/normalization-rules.json');

/** A normaliser: raw value and the event's country code (upper case) in, normalised string out. */
export type Normalizer = (raw: string, country: string) => string;

/** Flat `[from, to]` entries of a table, in table order (the stateMap's groups are concatenated). */
export function tableEntries(name: string): Array<[string, string]> {
  const table = RULES.tables[name] as Record<string, unknown>;
  if (name === 'stateMap') return RULES.tables.stateMap.groups.flatMap((g) => Object.entries(g.map));
  if (name === 'phonePrefixMap') return Object.entries(RULES.tables.phonePrefixMap.map);
  return Object.entries(table).filter((e): e is [string, string] => typeof e[1] === 'string');
}

/**
 * Replaces whole words (split on single spaces). Entries apply one after another in table order, so a word
 * produced by an earlier entry can be replaced again by a later one: precomputed per word.
 */
function wordReplacer(entries: Array<[string, string]>): (text: string) => string {
  const finalOf = new Map<string, string>();
  for (const [key] of entries) {
    if (finalOf.has(key)) continue;
    let w = key;
    for (const [k, v] of entries) if (w === k) w = v;
    finalOf.set(key, w);
  }
  return (text) => {
    const words = text.split(' ');
    let changed = false;
    for (let i = 0; i < words.length; i++) {
      const replacement = finalOf.get(words[i]!);
      if (replacement !== undefined) {
        words[i] = replacement;
        changed = true;
      }
    }
    return changed ? words.join(' ') : text;
  };
}

function substringReplacer(entries: Array<[string, string]>): (text: string) => string {
  return (text) => {
    let out = text;
    for (const [from, to] of entries) if (out.includes(from)) out = out.split(from).join(to);
    return out;
  };
}

function perCountryWordReplacers(): Map<string, (text: string) => string> {
  const out = new Map<string, (text: string) => string>();
  for (const [country, table] of Object.entries(RULES.tables.addressMap)) {
    if (typeof table === 'object') out.set(country, wordReplacer(Object.entries(table)));
  }
  return out;
}

function compileStep(step: Step): Normalizer {
  switch (step.op) {
    case 'trim':
      return (s) => s.trim();
    case 'lowercase':
      return (s) => s.toLowerCase();
    case 'keep': {
      const drop = new RegExp(`[^${step.chars.replace(/[\]\\^]/g, '\\$&')}]`, 'g');
      return (s) => s.replace(drop, '');
    }
    case 'replaceSubstrings':
      return substringReplacer(tableEntries(step.table));
    case 'replaceWords':
      return wordReplacer(tableEntries(step.table));
    case 'replaceWordsPerCountry': {
      const byCountry = perCountryWordReplacers();
      return (s, country) => byCountry.get(country.toLowerCase())?.(s) ?? s;
    }
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

type WordStep = Extract<Step, { op: 'replaceWords' | 'replaceWordsPerCountry' }>;
const isWordStep = (step: Step): step is WordStep =>
  step.op === 'replaceWords' || step.op === 'replaceWordsPerCountry';

/**
 * Consecutive word-replacement steps act word by word, so when no replacement holds a space they compose
 * into one pass: each word's final form, per country, computed once and remembered. Same output, one split.
 */
function composedWordSteps(steps: WordStep[]): Normalizer {
  const tables = steps.map((step) => ({
    step,
    global: step.op === 'replaceWords' ? tableEntries(step.table) : [],
    byCountry: step.op === 'replaceWordsPerCountry' ? RULES.tables.addressMap : undefined,
  }));
  const memo = new Map<string, Map<string, string>>();
  const finalWord = (word: string, country: string): string => {
    let w = word;
    for (const t of tables) {
      const sub = t.byCountry?.[country];
      const entries = t.byCountry ? (typeof sub === 'object' ? Object.entries(sub) : []) : t.global;
      for (const [k, v] of entries) if (w === k) w = v;
    }
    return w;
  };
  return (text, country) => {
    const key = country.toLowerCase();
    let words = memo.get(key);
    if (!words) memo.set(key, (words = new Map()));
    const parts = text.split(' ');
    for (let i = 0; i < parts.length; i++) {
      const word = parts[i]!;
      let out = words.get(word);
      if (out === undefined) {
        out = finalWord(word, key);
        if (words.size < 50_000) words.set(word, out);
      }
      parts[i] = out;
    }
    return parts.join(' ');
  };
}

function hasSpacedReplacement(step: WordStep): boolean {
  const tables =
    step.op === 'replaceWords'
      ? [Object.fromEntries(tableEntries(step.table))]
      : Object.values(RULES.tables.addressMap).filter((t) => typeof t === 'object');
  return tables.some((t) => Object.values(t as Record<string, string>).some((v) => v.includes(' ')));
}

/** The steps of a rule compiled to functions, with runs of composable word steps merged. */
function compileSteps(steps: Step[]): Normalizer[] {
  const out: Normalizer[] = [];
  for (let i = 0; i < steps.length;) {
    const run: WordStep[] = [];
    while (i + run.length < steps.length && isWordStep(steps[i + run.length]!))
      run.push(steps[i + run.length] as WordStep);
    if (run.length > 1 && !run.some(hasSpacedReplacement)) {
      out.push(composedWordSteps(run));
      i += run.length;
    } else {
      out.push(compileStep(steps[i]!));
      i++;
    }
  }
  return out;
}

/** The tag's normaliser for a match key type, compiled from its steps. */
export function tagNormalizer(type: string): Normalizer {
  const rule = RULES.matchKeys[type];
  if (!rule) throw new Error(`normalization-rules.json has no rule for ${type}`);
  const steps = compileSteps(rule.steps);
  return (raw, country) => {
    let s = raw;
    for (const step of steps) s = step(s, country);
    return s;
  };
}
