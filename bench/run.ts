import { benchTransform } from './transform-bench.js';
import { benchSend } from './send-bench.js';
import { benchSendRss } from './rss-bench.js';
import { benchTokenRefresh } from './token-bench.js';
import { startSandboxProcess } from './sandbox-process.js';
import { benchHost } from './host-bench.js';
import { benchCliTransform } from './cli-bench.js';
import { round } from './measure.js';

/**
 * `npm run bench`: every figure next to the floor of the same work, measured in the same run on the same
 * machine. Prints a table, then one JSON object as the last line. `BENCH_RSS_EVENTS` overrides the 1,000,000.
 */
async function main(): Promise<void> {
  const big = Number(process.env.BENCH_RSS_EVENTS ?? 1_000_000);
  const rows: Array<[string, string | number, string]> = [];
  const transform = benchTransform();
  rows.push([
    'transform_events_per_s',
    transform.transform_events_per_s,
    `transform + JSON.stringify, ${transform.events} events (${transform.filtered} filtered), one core`,
  ]);
  rows.push([
    'transform_floor_events_per_s',
    transform.transform_floor_events_per_s,
    'SHA-256 of the same normalised strings + JSON.stringify of the same outputs, event by event',
  ]);
  rows.push(['transform_vs_floor', transform.transform_vs_floor, 'target >= 0.65']);
  rows.push([
    'transform_batched_floor_events_per_s',
    transform.transform_batched_floor_events_per_s,
    'the same work batched: every digest, then every output (no per-event hook can do this)',
  ]);
  rows.push(['transform_vs_batched_floor', transform.transform_vs_batched_floor, 'for comparison']);
  const cli = await benchCliTransform();
  const cliVsTransform = round(cli.cli_transform_events_per_s / transform.transform_events_per_s, 3);
  rows.push([
    'cli_transform_events_per_s',
    cli.cli_transform_events_per_s,
    `the dry run as a process (amazon-dsp-events transform), ${cli.cli_transform_events} events, start-up included`,
  ]);
  rows.push([
    'cli_vs_transform',
    cliVsTransform,
    'cli_transform_events_per_s over transform_events_per_s; target >= 0.5',
  ]);

  const sandbox = await startSandboxProcess();
  try {
    const send = await benchSend(sandbox);
    rows.push([
      'send_events_per_s',
      send.send_events_per_s,
      `deliver, ${send.send_events} events in ${send.send_requests} requests of <= 500, sandbox in its own process`,
    ]);
    rows.push(['send_p50_ms', send.send_p50_ms, 'per request']);
    rows.push(['send_p99_ms', send.send_p99_ms, 'per request']);
    rows.push([
      'send_floor_events_per_s',
      send.send_floor_events_per_s,
      'bare got POSTs of the same bodies, same concurrency',
    ]);
    rows.push(['send_vs_floor', send.send_vs_floor, 'target >= 0.8']);

    // A sandbox of its own: the one above holds the ids of every event the send benches delivered.
    const hostSandbox = await startSandboxProcess();
    const host = await benchHost(hostSandbox).finally(() => hostSandbox.stop());
    const hostVsSend = Math.round((host.host_events_per_s / send.send_events_per_s) * 1000) / 1000;
    rows.push([
      'host_events_per_s',
      host.host_events_per_s,
      `${host.host_events} purchases through the host (npm start): /v1/batch 500 a request, 4 in flight, until all delivered`,
    ]);
    rows.push(['host_accept_events_per_s', host.host_accept_events_per_s, 'the same, ingestion alone']);
    rows.push(['host_vs_send', hostVsSend, 'host_events_per_s over send_events_per_s; target >= 0.3']);

    const small = await benchSendRss(sandbox, Math.max(1, Math.round(big / 10)));
    const large = await benchSendRss(sandbox, big);
    rows.push([
      'peak_rss_mb_100k',
      small.peak_rss_mb,
      `send CLI, ${small.events} events, ${small.seconds} s, exit ${small.exit_code}`,
    ]);
    rows.push([
      'peak_rss_mb_1m',
      large.peak_rss_mb,
      `send CLI, ${large.events} events, ${large.seconds} s, exit ${large.exit_code}; target <= 150`,
    ]);

    const token = await benchTokenRefresh(sandbox);
    rows.push([
      'token_requests_per_expiry',
      token.token_requests_per_expiry,
      '64 concurrent deliveries meet an expired token; target 1',
    ]);

    const width = Math.max(...rows.map((r) => r[0].length));
    console.log(`${'figure'.padEnd(width)}  ${'value'.padStart(10)}  notes`);
    for (const [k, v, note] of rows) console.log(`${k.padEnd(width)}  ${String(v).padStart(10)}  ${note}`);
    console.log(`send summaries: 100k: ${small.summary} | 1M: ${large.summary}`);
    console.log(
      JSON.stringify({
        transform_events_per_s: transform.transform_events_per_s,
        cli_transform_events_per_s: cli.cli_transform_events_per_s,
        cli_vs_transform: cliVsTransform,
        transform_floor_events_per_s: transform.transform_floor_events_per_s,
        transform_vs_floor: transform.transform_vs_floor,
        transform_batched_floor_events_per_s: transform.transform_batched_floor_events_per_s,
        transform_vs_batched_floor: transform.transform_vs_batched_floor,
        send_events_per_s: send.send_events_per_s,
        send_p50_ms: send.send_p50_ms,
        send_p99_ms: send.send_p99_ms,
        send_floor_events_per_s: send.send_floor_events_per_s,
        send_vs_floor: send.send_vs_floor,
        host_events_per_s: host.host_events_per_s,
        host_accept_events_per_s: host.host_accept_events_per_s,
        host_vs_send: hostVsSend,
        peak_rss_mb_100k: small.peak_rss_mb,
        peak_rss_mb_1m: large.peak_rss_mb,
        token_requests_per_expiry: token.token_requests_per_expiry,
      }),
    );
  } finally {
    await sandbox.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
