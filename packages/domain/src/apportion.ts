//! Largest-remainder apportionment of an amount in cents over the funders of a key (CONTRACT section 3).
import { compareCodePoints, type FundingKey } from './funding-key';

/**
 * Splits `amountCents` (>= 0) by `key`, exactly: each funder gets floor(X * share); the cents left over go one
 * each to the largest remainders, ties to the lower funder id. Returns parts aligned with `key.funders`.
 */
export function apportion(amountCents: bigint, key: FundingKey): bigint[] {
  if (amountCents < 0n) throw new Error(`apportion takes a non-negative amount, got ${String(amountCents)}`);
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
