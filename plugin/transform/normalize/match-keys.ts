import * as crypto from 'node:crypto';
import { isIP } from 'node:net';
import type { MatchKeyType } from '../../amazon/event-types.js';
import { everyCharIn } from '../char-class.js';
import type { MatchKeyPreparer } from '../model.js';
import { RULES, tagNormalizer, type Normalizer } from './tag-rules.js';
import { normalizePhone } from './phone.js';
import { rememberedStates } from './state.js';
import { normalizePostal } from './postal.js';

const PRE_HASHED = new RegExp(RULES.preHashed.regex);
/**
 * The pre-hashed test, `^[hex]{64}$` in the rules, as a length check and a character table (the regular
 * expression costs 0.3 µs on 64 characters): a character is in the table when 64 of it match the rule's own
 * expression. A test holds it to the expression.
 */
const allHashChars = everyCharIn((char) => PRE_HASHED.test(char.repeat(64)));
export const isPreHashed = (text: string): boolean => text.length === 64 && allHashChars(text);
const ZERO_AD_ID = /^0{8}-0{4}-0{4}-0{4}-0{12}$/;

/**
 * How each match key type is prepared: `hash` types are normalised then SHA-256 hashed (a 64-hex value is
 * taken as already hashed); raw types are checked. Every normaliser is given the value trimmed. One row per
 * type; the normalisers that remember answers are made anew for each `MatchKeyRules`.
 */
function matchKeyTable(): ReadonlyArray<[MatchKeyType, 'hash' | 'raw', Normalizer]> {
  return [
    ['EMAIL', 'hash', tagNormalizer('EMAIL')],
    ['PHONE', 'hash', normalizePhone],
    ['FIRST_NAME', 'hash', tagNormalizer('FIRST_NAME')],
    ['LAST_NAME', 'hash', tagNormalizer('LAST_NAME')],
    ['ADDRESS', 'hash', tagNormalizer('ADDRESS')],
    ['CITY', 'hash', tagNormalizer('CITY')],
    ['STATE', 'hash', rememberedStates()],
    ['POSTAL', 'hash', normalizePostal],
    ['MAID', 'raw', (s) => (ZERO_AD_ID.test(s) ? '' : s)],
    ['RAMP_ID', 'raw', (s) => s],
    ['MATCH_ID', 'raw', (s) => (s.length <= 100 ? s : '')],
    ['REAL_ID', 'raw', (s) => s],
    ['MERKLE_ID', 'raw', (s) => s],
    ['KANTAR_ID', 'raw', (s) => s],
    ['FIP', 'raw', (s) => (isIP(s) ? s : '')],
  ];
}

/** One-shot `crypto.hash` (Node ≥ 20.12) where it exists: no Hash object per value. */
const oneShot = (crypto as unknown as { hash?: (alg: string, data: string, enc: 'hex') => string }).hash;

export const sha256Hex: (value: string) => string = oneShot
  ? (value) => oneShot('sha256', value, 'hex')
  : (value) => crypto.createHash('sha256').update(value, 'utf8').digest('hex');

const NONE: MatchKeyPreparer = () => undefined;

/**
 * The value Amazon receives for a match key type, or undefined when there is none worth sending: a value that
 * normalises to nothing gives no key (a hash of the empty string matches nobody).
 */
function preparer(kind: 'hash' | 'raw', normalize: Normalizer): MatchKeyPreparer {
  if (kind === 'raw') {
    return (raw, country) => {
      const trimmed = raw.trim();
      return trimmed === '' ? undefined : normalize(trimmed, country) || undefined;
    };
  }
  return (raw, country) => {
    const trimmed = raw.trim();
    if (trimmed === '') return undefined;
    if (isPreHashed(trimmed)) return trimmed.toLowerCase();
    const normalized = normalize(trimmed, country);
    return normalized ? sha256Hex(normalized) : undefined;
  };
}

/**
 * Amazon's match key rules, made ready once per plugin container (`TransformTables`): each type's normaliser
 * and preparer, shared by every blueprint row of that type. The normalisers remember answers for values that
 * repeat endlessly (street words, states), bounded; those memos live here, not in any module.
 */
export class MatchKeyRules {
  private readonly normalizers = new Map<MatchKeyType, Normalizer>();
  private readonly preparers = new Map<MatchKeyType, MatchKeyPreparer>();

  constructor() {
    for (const [type, kind, normalize] of matchKeyTable()) {
      this.normalizers.set(type, normalize);
      this.preparers.set(type, preparer(kind, normalize));
    }
  }

  /** The types, in Amazon's order. */
  get types(): MatchKeyType[] {
    return [...this.preparers.keys()];
  }

  /** A type's preparer (an unknown type's gives no key). */
  preparer(type: MatchKeyType): MatchKeyPreparer {
    return this.preparers.get(type) ?? NONE;
  }

  /** The value Amazon receives for one match key (see `preparer`). */
  value(type: MatchKeyType, raw: string, country: string): string | undefined {
    return this.preparer(type)(raw, country);
  }

  /** The normalised (unhashed) form, for tests; never logged. */
  normalizedForm(type: MatchKeyType, raw: string, country: string): string {
    return this.normalizers.get(type)?.(raw.trim(), country) ?? '';
  }
}
