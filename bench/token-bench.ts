import { eventMix } from './event-mix.js';
import { benchDestination, type SandboxProcess } from './sandbox-process.js';

/** Login with Amazon requests made when `concurrent` deliveries meet an expired token at once (target 1). */
export async function benchTokenRefresh(
  sandbox: SandboxProcess,
  concurrent = 64,
): Promise<{ token_requests_per_expiry: number }> {
  const { destination, installation } = await benchDestination(sandbox, concurrent, 10_000);
  const events = eventMix(concurrent * 2, 99)
    .map((e) => destination.transform(e, installation))
    .flatMap((r) => (r.status === 'ok' ? [r.event] : []))
    .slice(0, concurrent);
  await sandbox.control('expire-tokens', { includeStatic: true });
  const before = (await sandbox.state()).counters.tokenRequests;
  const reports = await Promise.all(
    events.map((event, i) => destination.deliver([{ id: String(i), event }], installation)),
  );
  const delivered = reports.filter((r) => r.outcomes[0]?.status === 'delivered').length;
  if (delivered !== events.length) throw new Error(`token bench: ${delivered} of ${events.length} delivered`);
  return { token_requests_per_expiry: (await sandbox.state()).counters.tokenRequests - before };
}
