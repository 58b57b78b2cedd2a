//! Amounts and shares as text: the API's "1234.56" shown as `€ 1.234,56` (Dutch) or `€ 1,234.56` (English), and
//! what users type read back into the API's form. Pure string work: money never becomes a JS number.
export type Lang = 'nl' | 'en';

const API_AMOUNT = /^(-?)(0|[1-9]\d*)\.(\d{2})$/;

function group(whole: string, separator: string): string {
  return whole.replace(/\B(?=(\d{3})+(?!\d))/g, separator);
}

/** `"1234.56"` -> `€ 1.234,56` in Dutch; a negative amount keeps its sign after the euro sign: `€ -1.234,56`. */
export function formatEuro(amount: string, lang: Lang): string {
  const match = API_AMOUNT.exec(amount);
  if (match === null) return amount;
  const [, sign = '', whole = '0', cents = '00'] = match;
  return lang === 'nl' ? `€ ${sign}${group(whole, '.')},${cents}` : `€ ${sign}${group(whole, ',')}.${cents}`;
}

/** `"0.4521"` -> `45,21%` (nl) or `45.21%` (en); null (no budget) -> `-`. */
export function formatUtilisation(value: string | null, lang: Lang): string {
  if (value === null) return '-';
  const match = /^(\d+)\.(\d{4})$/.exec(value);
  if (match === null) return value;
  const [, whole = '0', fraction = '0000'] = match;
  const percent = `${String(BigInt(whole + fraction.slice(0, 2)))}${lang === 'nl' ? ',' : '.'}${fraction.slice(2)}`;
  return `${percent}%`;
}

function normalise(whole: string, fraction: string | undefined): string {
  return `${BigInt(whole).toString()}.${(fraction ?? '').padEnd(2, '0')}`;
}

/**
 * Reads an amount as people type it: `1234,56`, `1.234,56`, `1234.56`, `1,234.56`, `€ 12` -> the API's `"1234.56"`;
 * null when it is not an amount with at most two decimals (or is negative).
 *
 * Where both `.` and `,` occur, the last one is the decimal separator. Where one of them occurs more than once, it
 * groups thousands. Where one occurs once with exactly three digits after it (`12,500`, `70.000`), only the
 * convention can tell: in Dutch (`nl`, the default) `,` is the decimal separator, so `12,500` has three decimals
 * (refused) and `70.000` is seventy thousand; in English (`en`) the other way round. A leading group of thousands
 * never starts with 0 (`0,125` is not 125).
 */
export function parseUserAmount(input: string, convention: Lang = 'nl'): string | null {
  const text = input.replace(/[\s\u00a0€]/g, '');
  if (!/^\d[\d.,]*$/.test(text)) return null;
  const dots = text.split('.').length - 1;
  const commas = text.split(',').length - 1;
  let decimal: '.' | ',' | undefined;
  if (dots > 0 && commas > 0) decimal = text.lastIndexOf('.') > text.lastIndexOf(',') ? '.' : ',';
  else if (dots + commas === 1) {
    const separator = dots === 1 ? '.' : ',';
    const after = text.length - text.indexOf(separator) - 1;
    const conventional = convention === 'nl' ? ',' : '.';
    decimal = after !== 3 || separator === conventional ? separator : undefined;
  }
  const at = decimal === undefined ? -1 : text.lastIndexOf(decimal);
  const whole = at === -1 ? text : text.slice(0, at);
  const fraction = at === -1 ? undefined : text.slice(at + 1);
  if (fraction !== undefined && !/^\d{1,2}$/.test(fraction)) return null;
  if (/^\d+$/.test(whole)) return normalise(whole, fraction);
  const grouping = decimal === '.' ? ',' : decimal === ',' ? '.' : dots > 0 ? '.' : ',';
  const grouped = new RegExp(`^[1-9]\\d{0,2}(?:\\${grouping}\\d{3})+$`);
  return grouped.test(whole) ? normalise(whole.replaceAll(grouping, ''), fraction) : null;
}

/** Whether typed text is an amount with a minus sign: such text gets its own message (use a correction). */
export function looksNegative(input: string): boolean {
  return /^[-\u2212]\s*€?\s*\d|^€\s*[-\u2212]\s*\d/.test(input.trim());
}

/** Whether an API amount is above zero. */
export function isPositive(amount: string): boolean {
  return /[1-9]/.test(amount) && !amount.startsWith('-');
}

/** Reads a booking date: `2024-03-01`, `01-03-2024`, `1/3/2024` -> `2024-03-01`; null when not a calendar date. */
export function parseUserDate(input: string): string | null {
  const text = input.trim();
  const iso = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  const dutch = /^(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})$/.exec(text);
  const [y, m, d] =
    iso !== null ? [iso[1], iso[2], iso[3]] : dutch !== null ? [dutch[3], dutch[2], dutch[1]] : [];
  if (y === undefined || m === undefined || d === undefined) return null;
  const date = `${y}-${m.padStart(2, '0')}-${d.padStart(2, '0')}`;
  const parsed = new Date(`${date}T00:00:00Z`);
  return !Number.isNaN(parsed.getTime()) && parsed.toISOString().startsWith(date) ? date : null;
}

/** A share as typed (`0,573`, `57,3%`) -> the API's decimal string with at most 9 decimals, or null. */
export function parseUserShare(input: string): string | null {
  const text = input.replace(/\s/g, '').replace(',', '.');
  const percent = /^(\d{1,3})(?:\.(\d{1,7}))?%$/.exec(text);
  if (percent !== null) {
    // Move the decimal point two places to the left: 57.3% -> 0.573.
    const whole = (percent[1] ?? '0').padStart(3, '0');
    const share = `${String(BigInt(whole.slice(0, -2)))}.${whole.slice(-2)}${percent[2] ?? ''}`.replace(
      /\.?0+$/,
      '',
    );
    return shareNanos(share) !== null ? share : null;
  }
  return /^(0|1)(\.\d{1,9})?$/.test(text) && shareNanos(text) !== null ? text : null;
}

/** A share in billionths, exactly; null when it is not a share from 0 to 1. */
export function shareNanos(share: string): bigint | null {
  const match = /^(0|1)(?:\.(\d{1,9}))?$/.exec(share);
  if (match === null) return null;
  const nanos = BigInt(match[1] ?? '0') * 1_000_000_000n + BigInt((match[2] ?? '').padEnd(9, '0'));
  return nanos <= 1_000_000_000n ? nanos : null;
}

/** An amount in cents, for charts and sums: exact (bigint), never a float. */
export function amountCents(amount: string): bigint {
  const match = /^(-?)(\d+)\.(\d{2})$/.exec(amount);
  if (match === null) return 0n;
  const cents = BigInt(match[2] ?? '0') * 100n + BigInt(match[3] ?? '0');
  return match[1] === '-' ? -cents : cents;
}
