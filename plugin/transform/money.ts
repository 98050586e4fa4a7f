/**
 * The amount in whole cents when it is one, allowing for floating-point noise (59.970000000000006 is 5997);
 * undefined for an amount with finer fractions or too large to count in cents. What building rounds to and
 * validation holds to: Amazon takes at most 2 decimals.
 */
export function wholeCents(amount: number): number | undefined {
  const cents = amount * 100;
  return Number.isFinite(cents) && Math.abs(cents - Math.round(cents)) <= 1e-6
    ? Math.round(cents)
    : undefined;
}
