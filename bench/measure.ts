import { createLogger, type Logger } from '../plugin/index.js';
import { performance } from 'node:perf_hooks';

/**
 * Items per second of each pass, measured in turns (A, B, A, B, …) until `minMs` has passed in all, so that a
 * machine whose speed drifts (shared cores, frequency scaling) affects every pass alike.
 */
export function interleaved(items: number, passes: Array<() => void>, minMs = 2_000): number[] {
  for (const pass of passes) pass(); // warm up
  const spent = passes.map(() => 0);
  const runs = passes.map(() => 0);
  const started = performance.now();
  while (performance.now() - started < minMs) {
    passes.forEach((pass, i) => {
      const t = performance.now();
      pass();
      spent[i]! += performance.now() - t;
      runs[i]!++;
    });
  }
  return passes.map((_, i) => (runs[i]! * items * 1000) / spent[i]!);
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
