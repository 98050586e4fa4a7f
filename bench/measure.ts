import { createLogger, type Logger } from '../plugin/index.js';
import { performance } from 'node:perf_hooks';

/** Runs `pass` (one pass over the workload, `items` items) repeatedly for at least `minMs`; items per second. */
export function throughput(items: number, pass: () => void, minMs = 2_000): number {
  pass(); // warm up
  let n = 0;
  const started = performance.now();
  let elapsed = 0;
  while (elapsed < minMs) {
    pass();
    n += items;
    elapsed = performance.now() - started;
  }
  return (n * 1000) / elapsed;
}

export function percentile(values: number[], p: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

export const round = (n: number, digits = 0): number => Math.round(n * 10 ** digits) / 10 ** digits;

/** A logger for benchmarks: warnings and errors only, so request lines do not cost terminal time. */
export function quietLogger(): Logger {
  return createLogger({ level: 'warn' });
}
