import type { AmazonEvent } from '../amazon/event-types.js';
import type { CompiledMapping } from './blueprint.js';

/** Builds an event's match keys from its row values and country: the first value of each type, prepared. */
export type MatchKeyBuilder = (values: unknown[], country: string) => AmazonEvent['matchKeys'];

/** The match key rows (whose values start at `from`) one by one, as the blueprint means them. */
export function interpretedMatchKeys(rows: readonly CompiledMapping[], from: number): MatchKeyBuilder {
  return (values, country) => {
    const keys: AmazonEvent['matchKeys'] = [];
    let found = 0; // one bit per match key type already given a value
    rows.forEach((row, i) => {
      const raw = values[from + i];
      if (found & row.matchKeyBit! || (typeof raw !== 'string' && typeof raw !== 'number')) return;
      const value = row.prepare!(typeof raw === 'string' ? raw : String(raw), country);
      if (value === undefined) return;
      found |= row.matchKeyBit!;
      keys.push({ type: row.matchKey!, values: [value] });
    });
    return keys;
  };
}

/**
 * The same, generated: each row's preparer is called from a site of its own, so V8 can inline the preparer
 * and its normaliser (a shared loop calls every type's normaliser from one megamorphic site).
 */
export function compiledMatchKeys(rows: readonly CompiledMapping[], from: number): MatchKeyBuilder {
  const body = [
    `const [${rows.map((_, i) => `P${i}`).join(', ')}] = preparers;`,
    'return function matchKeys(values, country) {',
    'const keys = [];',
    'let raw, value, found = 0;',
    ...rows.map(
      (row, i) =>
        `raw = values[${from + i}];\n` +
        `if (!(found & ${row.matchKeyBit!}) && (typeof raw === 'string' || typeof raw === 'number')) {\n` +
        `  value = P${i}(typeof raw === 'string' ? raw : String(raw), country);\n` +
        `  if (value !== undefined) { found |= ${row.matchKeyBit!}; keys.push({ type: ${JSON.stringify(row.matchKey)}, values: [value] }); }\n` +
        '}',
    ),
    'return keys;',
    '};',
  ].join('\n');
  try {
    const factory = new Function('preparers', body) as (preparers: unknown[]) => MatchKeyBuilder;
    return factory(rows.map((row) => row.prepare));
  } catch {
    return interpretedMatchKeys(rows, from);
  }
}
