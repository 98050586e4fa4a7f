import type { MatchKeyBuilder, MatchKeyRow } from '../model.js';

/** A bit per match key type the rows set, to keep the first value of each type. */
function typeBits(rows: readonly MatchKeyRow[]): number[] {
  const types = [...new Set(rows.map((row) => row.type))];
  return rows.map((row) => 1 << types.indexOf(row.type));
}

/** The match key rows one by one, as the blueprint means them: the first value of each type, prepared. */
export function interpretedMatchKeys(rows: readonly MatchKeyRow[]): MatchKeyBuilder {
  return (values, country) => {
    const keys: ReturnType<MatchKeyBuilder> = [];
    const found = new Set<string>();
    rows.forEach((row, i) => {
      const raw = values[i];
      if (found.has(row.type) || (typeof raw !== 'string' && typeof raw !== 'number')) return;
      const value = row.prepare(typeof raw === 'string' ? raw : String(raw), country);
      if (value === undefined) return;
      found.add(row.type);
      keys.push({ type: row.type, values: [value] });
    });
    return keys;
  };
}

/**
 * The same, generated: each row's preparer is called from a site of its own, so V8 can inline the preparer
 * and its normaliser (a shared loop calls every type's normaliser from one megamorphic site).
 */
export function compiledMatchKeys(rows: readonly MatchKeyRow[]): MatchKeyBuilder {
  const bits = typeBits(rows);
  const body = [
    `const [${rows.map((_, i) => `P${i}`).join(', ')}] = preparers;`,
    'return function matchKeys(values, country) {',
    'const keys = [];',
    'let raw, value, found = 0;',
    ...rows.map(
      (row, i) =>
        `raw = values[${i}];\n` +
        `if (!(found & ${bits[i]}) && (typeof raw === 'string' || typeof raw === 'number')) {\n` +
        `  value = P${i}(typeof raw === 'string' ? raw : String(raw), country);\n` +
        `  if (value !== undefined) { found |= ${bits[i]}; keys.push({ type: ${JSON.stringify(row.type)}, values: [value] }); }\n` +
        '}',
    ),
    'return keys;',
    '};',
  ].join('\n');
  try {
    const factory = new Function('preparers', body) as (preparers: unknown[]) => MatchKeyBuilder;
    return factory(rows.map((row) => row.prepare));
  } catch {
    return interpretedMatchKeys(rows);
  }
}
