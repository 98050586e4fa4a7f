import { createDestination, type Destination } from '../plugin/index.js';
import { regionHostsFromBase } from '../plugin/host-settings.js';
import { localInstallation } from '../plugin/local-installation.js';
import { MatchKeyRules, sha256Hex } from '../plugin/transform/normalize/match-keys.js';
import type { MatchKeyType } from '../plugin/amazon/event-types.js';
import type { TransformResult } from '../plugin/contracts.js';
import { eventMix } from './event-mix.js';
import { interleaved, quietLogger } from './measure.js';

export interface TransformFigures {
  transform_events_per_s: number;
  transform_floor_events_per_s: number;
  transform_vs_floor: number;
  transform_batched_floor_events_per_s: number;
  transform_vs_batched_floor: number;
  events: number;
  ok: number;
  filtered: number;
}

type Traits = {
  email: string;
  phone: string;
  first_name: string;
  last_name: string;
  address: Record<string, string>;
};
const HASHED: Array<[MatchKeyType, (t: Traits) => unknown]> = [
  ['EMAIL', (t) => t.email],
  ['PHONE', (t) => t.phone],
  ['FIRST_NAME', (t) => t.first_name],
  ['LAST_NAME', (t) => t.last_name],
  ['ADDRESS', (t) => t.address.street],
  ['CITY', (t) => t.address.city],
  ['STATE', (t) => t.address.state],
  ['POSTAL', (t) => t.address.postal_code],
];

/**
 * `transform` + `JSON.stringify` of each result over the seeded mix, against the floor of the same work: the
 * SHA-256 digests of the same normalised strings and `JSON.stringify` of the same output objects, event by
 * event, as the host calls `transform`. The same work batched (every digest of every event, then every output)
 * runs faster than any per-event hook can (each kind of work in a tight loop of its own), and is measured too.
 */
export function benchTransform(count = 20_000, minMs = 3_000): TransformFigures {
  const destination: Destination = createDestination({
    logger: quietLogger(),
    hostSettings: {
      regionHosts: regionHostsFromBase('http://127.0.0.1:9'),
      lwaTokenUrl: 'http://127.0.0.1:9',
      requestTimeoutMs: 1000,
    },
  });
  const installation = localInstallation(
    { advertiser_id: '4728736040201', profile_id: '2000000001', access_token: 'Atza|bench' },
    'default',
    Date.now(),
  );
  const events = eventMix(count);
  // The floor serialises copies of the outputs. Keeping transform's own outputs alive here would teach V8 that
  // what transform allocates lives long (allocation-site pretenuring): every later output would be allocated in
  // the old generation and transform would run at half speed. That is an artifact of this bench: in Signal an
  // output is queued and dropped. (Copies through JSON also lose the keys whose value is undefined, which only
  // makes the floor's serialising cheaper.)
  const results = events.map(
    (e) => JSON.parse(JSON.stringify(destination.transform(e, installation))) as TransformResult,
  );
  // The floor's inputs, prepared outside the timing: the normalised strings each sent event needs hashed, in
  // event order; event i's are those before hashEnds[i].
  const rules = new MatchKeyRules();
  const toHash: string[] = [];
  const hashEnds = new Int32Array(results.length);
  results.forEach((r, i) => {
    if (r.status === 'ok') {
      const event = events[i] as { traits: Traits };
      for (const [type, read] of HASHED) {
        const raw = String(read(event.traits));
        if (/^[0-9a-f]{64}$/i.test(raw)) continue;
        const normalised = rules.normalizedForm(type, raw, r.event.countryCode);
        if (normalised) toHash.push(normalised);
      }
    }
    hashEnds[i] = toHash.length;
  });
  const ok = results.filter((r) => r.status === 'ok').length;

  const transformPass = (): void => {
    for (const e of events) JSON.stringify(destination.transform(e, installation));
  };
  const floorPass = (): void => {
    for (let i = 0, j = 0; i < results.length; i++) {
      for (const end = hashEnds[i]!; j < end; j++) sha256Hex(toHash[j]!);
      JSON.stringify(results[i]);
    }
  };
  const batchedFloorPass = (): void => {
    for (const s of toHash) sha256Hex(s);
    for (const r of results) JSON.stringify(r);
  };
  // Each comparison interleaved, one pass of each in turn, so that the machine's drifting speed touches both
  // alike; and the two comparisons apart, so that each pass follows the other of its pair (which pass ran
  // before decides what is still in the caches).
  const [transformRate = 0, floorRate = 1] = interleaved(events.length, [transformPass, floorPass], minMs);
  const [transformRateBatched = 0, batchedRate = 1] = interleaved(
    events.length,
    [transformPass, batchedFloorPass],
    minMs,
  );
  const ratio = (a: number, b: number): number => Math.round((a / b) * 1000) / 1000;
  return {
    transform_events_per_s: Math.round(transformRate),
    transform_floor_events_per_s: Math.round(floorRate),
    transform_vs_floor: ratio(transformRate, floorRate),
    transform_batched_floor_events_per_s: Math.round(batchedRate),
    transform_vs_batched_floor: ratio(transformRateBatched, batchedRate),
    events: events.length,
    ok,
    filtered: events.length - ok,
  };
}
