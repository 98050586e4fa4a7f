import { readPackageJson } from '../../project-files.js';

/**
 * Amazon's normalisation rules as data: the ordered steps per match key and the lookup tables of Amazon's
 * server-side GTM tag (`amazon-reference/normalization-rules.json`, a copy of ../shared/amazon). Each key's
 * steps are compiled once into one function; this file interprets the data and holds no rule of its own.
 */

type Step =
  | { op: 'trim' | 'lowercase' }
  | { op: 'keep'; chars: string }
  | { op: 'replaceSubstrings' | 'replaceWords' | 'replaceWordsPerCountry'; table: string }
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

/** The tag's normaliser for a match key type, compiled from its steps. */
export function tagNormalizer(type: string): Normalizer {
  const rule = RULES.matchKeys[type];
  if (!rule) throw new Error(`normalization-rules.json has no rule for ${type}`);
  const steps = rule.steps.map(compileStep);
  return (raw, country) => {
    let s = raw;
    for (const step of steps) s = step(s, country);
    return s;
  };
}
