/** Reads one value from an event by a compiled dotted path; `*` collects a value from every array item. */
export type Getter = (root: unknown) => unknown;

export function compilePath(path: string): Getter {
  const segments = path.split('.');
  const star = segments.indexOf('*');
  if (star < 0) return (root) => walk(root, segments, 0);
  const head = segments.slice(0, star);
  const tail = segments.slice(star + 1);
  return (root) => {
    const list = walk(root, head, 0);
    if (!Array.isArray(list)) return undefined;
    const values = list.map((item) => walk(item, tail, 0)).filter((v) => v !== undefined && v !== null);
    return values.length > 0 ? values : undefined;
  };
}

function walk(value: unknown, segments: string[], from: number): unknown {
  let current = value;
  for (let i = from; i < segments.length; i++) {
    if (current === null || typeof current !== 'object') return undefined;
    const key = segments[i]!;
    current = Array.isArray(current)
      ? /^\d+$/.test(key)
        ? current[Number(key)]
        : undefined
      : (current as Record<string, unknown>)[key];
  }
  return current;
}

/** True for the values a blueprint treats as absent: undefined, null, '' and whitespace-only strings. */
export function isAbsent(value: unknown): boolean {
  if (value === undefined || value === null) return true;
  if (typeof value !== 'string') return false;
  // Only a string that starts with white space can be blank: most are decided without trimming.
  return value.length === 0 || (value.charCodeAt(0) <= 32 && value.trim() === '');
}
