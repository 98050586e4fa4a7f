/**
 * How many runs a property test makes: the count it names, sized for the everyday suite, times `FC_RUNS`
 * (default 1). `npm run test:deep` sets `FC_RUNS=20` for long runs; every property keeps its meaning and its
 * seed either way, only the number of generated cases changes.
 */
export function runs(everyday: number): number {
  const factor = Number(process.env.FC_RUNS ?? 1);
  if (!Number.isFinite(factor) || factor <= 0)
    throw new Error(`FC_RUNS must be a positive number, not ${process.env.FC_RUNS}`);
  return Math.max(1, Math.round(everyday * factor));
}
