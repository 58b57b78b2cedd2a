//! Largest-remainder apportionment of an amount in cents over the funders of a key (CONTRACT section 3), in bigint
//! integer cents throughout: money never passes through a JS number.
import { compareCodePoints, type FundingKey } from './funding-key';

/**
 * Splits `amountCents` (>= 0) by `key`, exactly: each funder gets floor(X * share); the cents left over go one
 * each to the largest remainders, ties to the lower funder id. Returns parts aligned with `key.funders`.
 */
export function apportion(amountCents: bigint, key: FundingKey): bigint[] {
  if (amountCents < 0n) throw new Error(`apportion takes a non-negative amount, got ${String(amountCents)}`);
  const { numerators, denominator, funders } = key;
  if (numerators.length === 2) {
    const first = firstOfTwo(amountCents, numerators[0] ?? 0n, numerators[1] ?? 0n, denominator);
    if (first !== undefined) return [first, amountCents - first];
  }
  const parts: bigint[] = new Array<bigint>(numerators.length);
  const remainders: bigint[] = new Array<bigint>(numerators.length);
  let given = 0n;
  for (let i = 0; i < numerators.length; i++) {
    const scaled = amountCents * (numerators[i] ?? 0n);
    const part = scaled / denominator;
    parts[i] = part;
    remainders[i] = scaled - part * denominator;
    given += part;
  }
  // Fewer cents than funders are left over (each remainder is below one cent).
  let leftover = amountCents - given;
  if (leftover === 0n) return parts;
  // All remainders share one denominator, so comparing numerators compares the exact fractions.
  const order = funders.map((_, i) => i);
  order.sort((a, b) => {
    const ra = remainders[a] ?? 0n;
    const rb = remainders[b] ?? 0n;
    if (ra !== rb) return ra > rb ? -1 : 1;
    return compareCodePoints(funders[a] ?? '', funders[b] ?? '');
  });
  for (const index of order) {
    if (leftover === 0n) break;
    parts[index] = (parts[index] ?? 0n) + 1n;
    leftover -= 1n;
  }
  return parts;
}

/**
 * The first funder's part of a key of two (the usual key: two centre municipalities), without the loops and the
 * sort; the second's is the rest. The numerators sum to the denominator, so the remainders sum to 0 or d: at most
 * one cent is left over, and it goes to the larger remainder, a tie to the first funder (a key's funders are in
 * code-point order, so the lower id). Undefined for numerators that do not sum to the denominator.
 */
function firstOfTwo(
  amountCents: bigint,
  numerator0: bigint,
  numerator1: bigint,
  denominator: bigint,
): bigint | undefined {
  const scaled0 = amountCents * numerator0;
  const scaled1 = amountCents * numerator1;
  const part0 = scaled0 / denominator;
  const part1 = scaled1 / denominator;
  const leftover = amountCents - part0 - part1;
  if (leftover === 0n) return part0;
  if (leftover === 1n)
    return scaled1 - part1 * denominator > scaled0 - part0 * denominator ? part0 : part0 + 1n;
  return undefined;
}

/**
 * The sum of `apportion(amount, key)` over many amounts, as spending re-apportioned item by item after a key change
 * needs it (each item is split on its own, as the contract says, so the sum of the splits is not the split of the
 * sum).
 */
export function apportionSum<T>(
  items: ArrayLike<T>,
  /** The item's amount in cents, or null to leave it out. */
  amountOf: (item: T) => bigint | null,
  key: FundingKey,
): bigint[] {
  const count = key.numerators.length;
  if (count === 2) {
    // Two funders: the first's parts summed, the second's the rest of the whole (no array per item).
    const [numerator0 = 0n, numerator1 = 0n] = key.numerators;
    let first = 0n;
    let whole = 0n;
    for (let index = 0; index < items.length; index++) {
      const amountCents = amountOf(items[index] as T);
      if (amountCents === null) continue;
      if (amountCents < 0n)
        throw new Error(`apportion takes a non-negative amount, got ${String(amountCents)}`);
      const part = firstOfTwo(amountCents, numerator0, numerator1, key.denominator);
      if (part === undefined) return apportionEach(items, amountOf, key);
      first += part;
      whole += amountCents;
    }
    return [first, whole - first];
  }
  return apportionEach(items, amountOf, key);
}

/** `apportionSum` for any key: each amount apportioned on its own and the parts added up. */
function apportionEach<T>(
  items: ArrayLike<T>,
  amountOf: (item: T) => bigint | null,
  key: FundingKey,
): bigint[] {
  const count = key.numerators.length;
  const total = new Array<bigint>(count).fill(0n);
  for (let index = 0; index < items.length; index++) {
    const amountCents = amountOf(items[index] as T);
    if (amountCents === null) continue;
    const parts = apportion(amountCents, key);
    for (let i = 0; i < count; i++) total[i] = (total[i] ?? 0n) + (parts[i] ?? 0n);
  }
  return total;
}
