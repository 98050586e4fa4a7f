/**
 * The event as ingestion would hand it on: the gateway records the time it received each event as `receivedAt`,
 * so the CLI gives an event without one the time it was read (the dry run: `--now`), and says so when the event
 * has no `timestamp` of its own. The
 * web and app blueprints fall back to `receivedAt` for an event without a `timestamp`; the offline blueprint
 * does not, so an offline event without its own time is `TIMESTAMP_MISSING`, never dated by the read.
 */
export function stamped(value: unknown, at: string): { event: unknown; stamp?: { receivedAt: string } } {
  if (typeof value !== 'object' || value === null || Array.isArray(value) || 'receivedAt' in value)
    return { event: value };
  const event = { ...value, receivedAt: at };
  // Said only where it can matter: an event with its own timestamp is sent with that.
  return 'timestamp' in value ? { event } : { event, stamp: { receivedAt: at } };
}
