import type { Getter } from './model.js';

/** One step of a path: an object key, or an array index when the segment is all digits. */
export interface Segment {
  key: string;
  index: number;
}

const toSegment = (key: string): Segment => ({ key, index: /^\d+$/.test(key) ? Number(key) : -1 });

/** The steps of a dotted path without `*`. */
export const segmentsOf = (path: string): Segment[] => path.split('.').map(toSegment);

function step(current: unknown, segment: Segment): unknown {
  if (current === null || typeof current !== 'object') return undefined;
  if (Array.isArray(current)) return segment.index >= 0 ? current[segment.index] : undefined;
  return (current as Record<string, unknown>)[segment.key];
}

function compileWalk(segments: Segment[]): Getter {
  return (root) => {
    let current = root;
    for (let i = 0; i < segments.length && current !== undefined; i++) current = step(current, segments[i]!);
    return current;
  };
}

export function compilePath(path: string): Getter {
  const segments = path.split('.');
  const star = segments.indexOf('*');
  if (star < 0) return compileWalk(segmentsOf(path));
  const head = compileWalk(segments.slice(0, star).map(toSegment));
  const tail = compileWalk(segments.slice(star + 1).map(toSegment));
  return (root) => {
    const list = head(root);
    if (!Array.isArray(list)) return undefined;
    const values: unknown[] = [];
    for (const item of list) {
      const value = tail(item);
      if (value !== undefined && value !== null) values.push(value);
    }
    return values.length > 0 ? values : undefined;
  };
}

/** True for the values a blueprint treats as absent: undefined, null, '' and whitespace-only strings. */
export function isAbsent(value: unknown): boolean {
  if (value === undefined || value === null) return true;
  if (typeof value !== 'string') return false;
  // Only a string that starts with what trim() removes can be blank (all of it is at or below 32, or at or
  // above 0xa0: the no-break and Unicode spaces); most are decided without trimming.
  const first = value.charCodeAt(0);
  return value.length === 0 || ((first <= 32 || first >= 0xa0) && value.trim() === '');
}
