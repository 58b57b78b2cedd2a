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
  const numerator0 = firstOfTwoNumerator(key);
  if (numerator0 !== undefined) {
    const first = firstOfTwo(amountCents, numerator0, denominator, halfUp(denominator));
    return [first, amountCents - first];
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
 * sort; the second's is the rest. For numerators that sum to the denominator d (`firstOfTwoNumerator`), the two
 * remainders sum to 0 or d: no cent is left over when the first's remainder r is 0, else one, which goes to the
 * larger remainder, a tie to the first funder (a key's funders are in code-point order, so the lower id). The first
 * gets it when r >= d - r, that is r >= `halfUp(d)`. Three bigint operations an amount, where working out both
 * parts and both remainders took ten: this runs for every item of an (action, year) when its key changes.
 */
function firstOfTwo(amountCents: bigint, numerator0: bigint, denominator: bigint, half: bigint): bigint {
  const scaled = amountCents * numerator0;
  const part = scaled / denominator;
  return scaled % denominator >= half ? part + 1n : part;
}

/**
 * The first funder's numerator of a key of two whose numerators sum to its denominator, the keys `firstOfTwo` splits;
 * undefined for any other key, which the general largest-remainder loop splits.
 */
function firstOfTwoNumerator({ numerators, denominator }: FundingKey): bigint | undefined {
  if (numerators.length !== 2) return undefined;
  const [numerator0 = 0n, numerator1 = 0n] = numerators;
  return numerator0 + numerator1 === denominator ? numerator0 : undefined;
}

/** The least remainder r with r >= d - r: ceil(d / 2). Above 0 for any denominator, so a remainder 0 is below it. */
function halfUp(denominator: bigint): bigint {
  return (denominator + 1n) / 2n;
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
  const { denominator } = key;
  const numerator0 = firstOfTwoNumerator(key);
  if (numerator0 !== undefined) {
    // Two funders: the first's parts summed, the second's the rest of the whole (no array per item).
    const half = halfUp(denominator);
    let first = 0n;
    let whole = 0n;
    for (let index = 0; index < items.length; index++) {
      const amountCents = amountOf(items[index] as T);
      if (amountCents === null) continue;
      if (amountCents < 0n)
        throw new Error(`apportion takes a non-negative amount, got ${String(amountCents)}`);
      first += firstOfTwo(amountCents, numerator0, denominator, half);
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
