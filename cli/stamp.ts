/**
 * The event as ingestion would hand it on: Signal's gateway gives an event without a `timestamp` the time it
 * was received, so the CLI gives it the time it was read (the dry run: `--now`) and says which it stamped.
 */
export function stamped(value: unknown, at: string): { event: unknown; stamp?: { timestamp: string } } {
  if (typeof value !== 'object' || value === null || Array.isArray(value) || 'timestamp' in value)
    return { event: value };
  return { event: { ...value, timestamp: at }, stamp: { timestamp: at } };
}
