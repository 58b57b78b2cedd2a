//! Shares of a funding key as exact fractions: a contract share string is a count of billionths.

/** Section 1: a share is a decimal in [0, 1] with at most 9 decimals. */
export const SHARE_PATTERN = /^(0(\.[0-9]{1,9})?|1(\.0{1,9})?)$/;

/** Every contract share is an integer number of billionths, so 10^9 is a common denominator. */
export const SHARE_DENOMINATOR = 1_000_000_000n;

/** Parses a share string into billionths. Throws on anything else: callers validate first. */
export function parseShareNanos(share: string): bigint {
  if (!SHARE_PATTERN.test(share)) {
    throw new Error(`not a share: ${JSON.stringify(share)}`);
  }
  const dot = share.indexOf('.');
  const whole = dot === -1 ? share : share.slice(0, dot);
  const fraction = dot === -1 ? '' : share.slice(dot + 1);
  return BigInt(whole) * SHARE_DENOMINATOR + BigInt(fraction.padEnd(9, '0'));
}
