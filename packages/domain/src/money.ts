//! Euros as integer cents (bigint): parsing the contract's amount strings and formatting them back.

/** Section 1: an amount on input. At most two decimals, no sign on event input (checked by the schema). */
export const AMOUNT_PATTERN = /^-?(0|[1-9][0-9]*)(\.[0-9]{1,2})?$/;

/** Parses a contract amount string into cents. Throws on anything else: callers validate first. */
export function parseAmountCents(amount: string): bigint {
  if (!AMOUNT_PATTERN.test(amount)) {
    throw new Error(`not an amount: ${JSON.stringify(amount)}`);
  }
  const negative = amount.startsWith('-');
  const unsigned = negative ? amount.slice(1) : amount;
  const dot = unsigned.indexOf('.');
  const euros = dot === -1 ? unsigned : unsigned.slice(0, dot);
  const fraction = dot === -1 ? '' : unsigned.slice(dot + 1);
  const cents = BigInt(euros) * 100n + BigInt(fraction.padEnd(2, '0') || '0');
  return negative ? -cents : cents;
}

/** Formats cents as the contract's output amount: always exactly two decimals, "-" for negatives. */
export function formatCents(cents: bigint): string {
  const negative = cents < 0n;
  const magnitude = negative ? -cents : cents;
  const euros = magnitude / 100n;
  const rest = magnitude % 100n;
  return `${negative ? '-' : ''}${euros.toString()}.${rest.toString().padStart(2, '0')}`;
}

export function sumCents(values: Iterable<bigint>): bigint {
  let total = 0n;
  for (const value of values) total += value;
  return total;
}

export function maxCents(a: bigint, b: bigint): bigint {
  return a > b ? a : b;
}
