//! Largest-remainder apportionment of an amount in cents over the funders of a key (CONTRACT section 3).
import { compareCodePoints, type FundingKey } from './funding-key';

/**
 * Splits `amountCents` (>= 0) by `key`, exactly: each funder gets floor(X * share); the cents left over go one
 * each to the largest remainders, ties to the lower funder id. Returns parts aligned with `key.funders`.
 */
export function apportion(amountCents: bigint, key: FundingKey): bigint[] {
  if (amountCents < 0n) throw new Error(`apportion takes a non-negative amount, got ${String(amountCents)}`);
  const small = smallKey(key);
  if (small !== null && amountCents <= small.maxAmount) {
    const parts = apportionSmall(Number(amountCents), small, new Array<number>(small.count));
    return parts.map((part) => BigInt(part));
  }
  return apportionExact(amountCents, key);
}

/** The same split in bigint arithmetic throughout: for amounts or keys too large for the fast path. */
function apportionExact(amountCents: bigint, key: FundingKey): bigint[] {
  const { numerators, denominator, funders } = key;
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
  // Fewer cents than funders are left over (each remainder is below one cent); kept in bigint all the same.
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
 * A key whose arithmetic fits in doubles for amounts up to `maxAmount` = (2^53 - 1) / denominator - 1 cents: then
 * amount x numerator and (amount + 1) x denominator stay below 2^53, so every value is an exact integer. With a
 * declared key (denominator 10^9) that is any amount up to about 90,000 euros; with a pro-rata key over a year's
 * commitments of C euros, up to about 9 x 10^11 / C euros (90,000 euros for C = 10 million). Larger amounts take
 * the bigint path.
 */
interface SmallKey {
  numerators: number[];
  denominator: number;
  maxAmount: bigint;
  /** `maxAmount` as a double (exact: it is below 2^53). */
  maxAmountNumber: number;
  count: number;
  /** Scratch space for the remainders of one split: keys are used by one thread, one split at a time. */
  remainders: number[];
}

const smallKeys = new WeakMap<FundingKey, SmallKey | null>();

/**
 * The largest amount the doubles path takes for a key with this denominator: (2^53 - 1) / denominator - 1, so that
 * (amount + 1) x denominator <= 2^53 - 1; -1n when even an amount of 0 would not fit.
 */
export function fastPathLimit(denominator: bigint): bigint {
  if (denominator <= 0n) return -1n;
  return BigInt(Number.MAX_SAFE_INTEGER) / denominator - 1n;
}

function smallKey(key: FundingKey): SmallKey | null {
  let small = smallKeys.get(key);
  if (small === undefined) {
    const maxAmount = fastPathLimit(key.denominator);
    small =
      maxAmount < 0n
        ? null
        : {
            numerators: key.numerators.map((n) => Number(n)),
            denominator: Number(key.denominator),
            maxAmount,
            maxAmountNumber: Number(maxAmount),
            count: key.numerators.length,
            remainders: new Array<number>(key.numerators.length).fill(0),
          };
    smallKeys.set(key, small);
  }
  return small;
}

/**
 * `apportionExact` in doubles, for an amount up to `small.maxAmount`: writes the parts into `parts` and returns it.
 * amount x numerator is an integer s < 2^53, so exact. floor(s / d) is exact too although the division rounds: the
 * exact quotient is at least 1/d away from the next integer above it, and rounding moves it by at most
 * quotient x 2^-53 = s / (d x 2^53) < 1/d. So the remainder s - part x d is exact and in [0, d).
 */
function apportionSmall(amount: number, small: SmallKey, parts: number[]): number[] {
  const { numerators, denominator, count } = small;
  if (count === 2) {
    // The usual key (two centre municipalities), without the loops. The numerators sum to the denominator, so the
    // remainders sum to 0 or d: at most one cent is left over, and it goes to the larger remainder, a tie to the
    // first funder (the lower id). Anything else falls through to the general loop.
    const scaled0 = amount * (numerators[0] ?? 0);
    const scaled1 = amount * (numerators[1] ?? 0);
    const part0 = Math.floor(scaled0 / denominator);
    const part1 = Math.floor(scaled1 / denominator);
    const leftover = amount - part0 - part1;
    if (leftover === 0 || leftover === 1) {
      const toSecond = leftover === 1 && scaled1 - part1 * denominator > scaled0 - part0 * denominator;
      parts[0] = part0 + (leftover === 1 && !toSecond ? 1 : 0);
      parts[1] = part1 + (toSecond ? 1 : 0);
      return parts;
    }
  }
  const remainders = small.remainders;
  let given = 0;
  for (let i = 0; i < count; i++) {
    const scaled = amount * (numerators[i] ?? 0);
    const part = Math.floor(scaled / denominator);
    parts[i] = part;
    remainders[i] = scaled - part * denominator;
    given += part;
  }
  let leftover = amount - given;
  while (leftover > 0) {
    // The largest remainder not yet given a cent. Ties go to the lower funder id: a key's funders are in
    // code-point order, so that is the first of them (`>`, not `>=`).
    let best = 0;
    for (let i = 1; i < count; i++) if ((remainders[i] ?? -1) > (remainders[best] ?? -1)) best = i;
    parts[best] = (parts[best] ?? 0) + 1;
    remainders[best] = -1;
    leftover -= 1;
  }
  return parts;
}

/**
 * The sum of `apportion(amount, key)` over many amounts, as spending re-apportioned item by item after a key change
 * needs it: the same parts, added up in doubles while the running total stays exact, without a bigint per item.
 */
export function apportionSum<T>(
  items: readonly T[],
  /** The item's amount in cents, or null to leave it out. */
  amountOf: (item: T) => bigint | null,
  key: FundingKey,
  /** Where the running sums move into bigints: 2^53 - 1, lower only in tests (to see it happen). */
  flushAt = Number.MAX_SAFE_INTEGER,
): bigint[] {
  const count = key.numerators.length;
  const total = new Array<bigint>(count).fill(0n);
  const small = smallKey(key);
  const running = new Array<number>(count).fill(0);
  const parts = new Array<number>(count).fill(0);
  let runningAmount = 0;
  const flush = (): void => {
    for (let i = 0; i < count; i++) {
      total[i] = (total[i] ?? 0n) + BigInt(running[i] ?? 0);
      running[i] = 0;
    }
    runningAmount = 0;
  };
  for (let index = 0; index < items.length; index++) {
    const amountCents = amountOf(items[index] as T);
    if (amountCents === null) continue;
    // Number() rounds monotonically and maxAmountNumber is an exact integer below 2^53, so comparing the double
    // decides exactly as comparing the bigint would (and costs less).
    const amount = Number(amountCents);
    if (small === null || amount < 0 || amount > small.maxAmountNumber) {
      const exact = apportion(amountCents, key);
      for (let i = 0; i < count; i++) total[i] = (total[i] ?? 0n) + (exact[i] ?? 0n);
      continue;
    }
    // Parts add up to the amounts, so the running sums stay exact while the amounts' sum does.
    if (runningAmount + amount > flushAt) flush();
    apportionSmall(amount, small, parts);
    if (count === 2) {
      running[0] = (running[0] ?? 0) + (parts[0] ?? 0);
      running[1] = (running[1] ?? 0) + (parts[1] ?? 0);
    } else {
      for (let i = 0; i < count; i++) running[i] = (running[i] ?? 0) + (parts[i] ?? 0);
    }
    runningAmount += amount;
  }
  flush();
  return total;
}
