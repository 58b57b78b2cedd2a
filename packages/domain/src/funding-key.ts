//! A funding key: each funder's share as an exact fraction over one common denominator.
import { SHARE_DENOMINATOR, parseShareNanos } from './share';

export interface FundingKey {
  /** Funder ids in ascending code-point order. */
  readonly funders: readonly string[];
  /** Numerators aligned with `funders`; they sum to `denominator`. */
  readonly numerators: readonly bigint[];
  readonly denominator: bigint;
  /** Equal fingerprints mean equal keys: cached apportionments stay valid while it does not change. */
  readonly fingerprint: string;
}

/** Code-point order, as the contract asks for ties and sorting (not locale order). */
export function compareCodePoints(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** A key declared by a `FundingKeySet`: shares are billionths. The caller has checked they sum to 1. */
export function declaredKey(shares: Readonly<Record<string, string>>): FundingKey {
  const funders = Object.keys(shares).sort(compareCodePoints);
  const numerators = funders.map((funder) => parseShareNanos(shares[funder] ?? '0'));
  return {
    funders,
    numerators,
    denominator: SHARE_DENOMINATOR,
    fingerprint: `declared:${funders.map((f, i) => `${f}=${String(numerators[i])}`).join(',')}`,
  };
}

/**
 * The pro-rata key of a year: each funder's committed funding over the total, unrounded.
 * Returns undefined when nothing is committed (no key resolvable).
 */
export function proRataKey(
  funders: readonly string[],
  committedCents: ReadonlyMap<string, bigint>,
): FundingKey | undefined {
  const numerators = funders.map((funder) => committedCents.get(funder) ?? 0n);
  const denominator = numerators.reduce((sum, n) => sum + n, 0n);
  if (denominator <= 0n) return undefined;
  return {
    funders,
    numerators,
    denominator,
    fingerprint: `pro-rata:${funders.map((f, i) => `${f}=${String(numerators[i])}`).join(',')}`,
  };
}
