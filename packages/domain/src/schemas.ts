//! zod schemas for the event records of CONTRACT section 2. Each check names its malformed-input reason.
import { z } from 'zod';
import { SHARE_DENOMINATOR, SHARE_PATTERN, parseShareNanos } from './share';

/**
 * Input amounts in events are never negative (section 2); output amounts may be. Section 1's pattern with its minus
 * sign kept for zero alone: "-0", "-0.0" and "-0.00" match it and are not negative, so they are zero.
 */
export const INPUT_AMOUNT_PATTERN = /^(?:-0(?:\.0{1,2})?|(?:0|[1-9][0-9]*)(?:\.[0-9]{1,2})?)$/;
export const IDENTIFIER_PATTERN = /^[A-Za-z0-9._:-]{1,64}$/;
export const THEMES = ['in-beeld', 'samenwerking', 'opvang-hulpverlening'] as const;
export type Theme = (typeof THEMES)[number];

export const EVENT_TYPES = [
  'RegionConfigured',
  'ActionDefined',
  'FundingCommitted',
  'BudgetSet',
  'FundingKeySet',
  'SpendingRecorded',
  'SpendingCorrected',
  'SpendingReversed',
  'YearClosed',
] as const;
export type EventType = (typeof EVENT_TYPES)[number];

/** Bounds on free text keep one event line small (TIGER_STYLE: put a limit on everything). */
const MAX_TEXT = 2000;
const MAX_LIST = 200;

// A check's message is "reason|detail": the reason is the stable name, the detail tells the user what to fix.
const identifier = z
  .string()
  .regex(IDENTIFIER_PATTERN, 'bad-id|must be 1-64 characters from A-Z a-z 0-9 . _ : -');
const text = z.string().max(MAX_TEXT, `too-long|must be at most ${MAX_TEXT} characters`);
const label = text.min(1, 'empty-field|must not be empty');
const year = z
  .int('wrong-type|must be a whole number (a year)')
  .min(2000, 'bad-year|must be a year from 2000 to 2100')
  .max(2100, 'bad-year|must be a year from 2000 to 2100');
// A JSON number where an amount belongs is a bad amount (section 1: "never a JSON number"), not just a wrong type.
const amount = z
  .string('bad-amount|must be a string of euros, like "1200.00", never a JSON number')
  .regex(
    INPUT_AMOUNT_PATTERN,
    'bad-amount|must be a non-negative amount of euros as a string, like "1200.00"',
  );
const positiveAmount = amount.refine(
  (value) => !/^-?0(\.0{1,2})?$/.test(value),
  'bad-amount|must be above zero',
);

// Shapes only; the numbers are read at their fixed places below (a regex with capture groups costs a match array
// and a string per group, for every event of a large file).
const DATE_SHAPE = /^\d{4}-\d{2}-\d{2}$/;
const TIMESTAMP_SHAPE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:\d{2})$/;
const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31] as const;

/** The two ASCII digits at `at` and `at + 1` as a number (the caller has checked that they are digits). */
function twoDigits(value: string, at: number): number {
  return (value.charCodeAt(at) - 48) * 10 + (value.charCodeAt(at + 1) - 48);
}

/** Whether `value`, which has the shape YYYY-MM-DD from its start, names a day of the Gregorian calendar. */
function isCalendarDay(value: string): boolean {
  const y = twoDigits(value, 0) * 100 + twoDigits(value, 2);
  const m = twoDigits(value, 5);
  const d = twoDigits(value, 8);
  if (m < 1 || m > 12 || d < 1) return false;
  const leap = (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
  return d <= (m === 2 && leap ? 29 : (DAYS_IN_MONTH[m - 1] ?? 0));
}

export function isIsoDate(value: string): boolean {
  return DATE_SHAPE.test(value) && isCalendarDay(value);
}

export function isIsoTimestamp(value: string): boolean {
  if (!TIMESTAMP_SHAPE.test(value) || !isCalendarDay(value)) return false;
  // YYYY-MM-DDTHH:MM, then :SS and a fraction when there are seconds, then Z or an offset ±HH:MM at the end.
  if (twoDigits(value, 11) > 23 || twoDigits(value, 14) > 59) return false;
  if (value[16] === ':' && twoDigits(value, 17) > 59) return false;
  const end = value.length;
  return value[end - 1] === 'Z' || (twoDigits(value, end - 5) < 24 && twoDigits(value, end - 2) < 60);
}

const bookedOn = z.string().refine(isIsoDate, 'bad-date|must be a calendar date YYYY-MM-DD');
const occurredAt = z
  .string()
  .refine(isIsoTimestamp, 'bad-timestamp|must be ISO-8601 with an offset or Z, like 2024-03-01T10:00:00Z');

const share = z
  .string('bad-share|must be a string, like "0.6", never a JSON number')
  .regex(SHARE_PATTERN, 'bad-share|must be a decimal from 0 to 1 with at most 9 decimals');
/**
 * zod's record drops a key named `__proto__` (to keep the object it builds safe), but that is a valid funder id
 * (section 1). So shares are read as a Map of their own keys and rebuilt with Object.fromEntries, which keeps them all.
 */
const shares = z
  .preprocess(
    (value) =>
      typeof value === 'object' && value !== null && !Array.isArray(value)
        ? new Map(Object.entries(value))
        : value,
    z.map(identifier, share, 'wrong-type|must be a JSON object of funder ids and shares'),
  )
  .transform((entries): Record<string, string> => Object.fromEntries(entries))
  .refine((value) => Object.keys(value).length > 0, 'shares-not-one|must name at least one funder')
  .refine(
    (value) =>
      !Object.values(value).every((s) => SHARE_PATTERN.test(s)) ||
      Object.values(value).reduce((sum, s) => sum + parseShareNanos(s), 0n) === SHARE_DENOMINATOR,
    'shares-not-one|the shares must sum to exactly 1',
  );

const funder = z.strictObject({
  id: identifier,
  name: label,
  municipalities: z.array(label).max(MAX_LIST, `too-long|at most ${MAX_LIST} municipalities`),
});

export const eventDataSchemas = {
  RegionConfigured: z.strictObject({
    name: label,
    funders: z
      .array(funder)
      .min(1, 'missing-field|at least one funder is required')
      .max(MAX_LIST, `too-long|at most ${MAX_LIST} funders`)
      .refine(
        (list) => new Set(list.map((f) => f.id)).size === list.length,
        'duplicate-funder|funder ids must be unique',
      ),
  }),
  ActionDefined: z
    .strictObject({
      actionId: identifier,
      theme: z.enum(THEMES, `unknown-theme|must be one of ${THEMES.join(', ')}`),
      title: label,
      intendedResult: text,
      partners: z.array(label).max(MAX_LIST, `too-long|at most ${MAX_LIST} partners`),
      startYear: year,
      endYear: year,
    })
    .refine((d) => d.startYear <= d.endYear, {
      error: 'start-after-end|startYear must not be after endYear',
      path: ['endYear'],
    }),
  FundingCommitted: z.strictObject({ funder: identifier, year, amount, reference: label }),
  BudgetSet: z.strictObject({ actionId: identifier, year, amount }),
  FundingKeySet: z.strictObject({ year, actionId: identifier.nullish(), shares }),
  SpendingRecorded: z.strictObject({
    spendingId: identifier,
    actionId: identifier,
    year,
    amount: positiveAmount,
    bookedOn,
    payee: label,
    invoiceRef: text.nullish(),
    description: text.nullish(),
  }),
  SpendingCorrected: z.strictObject({ spendingId: identifier, amount: positiveAmount, reason: label }),
  SpendingReversed: z.strictObject({ spendingId: identifier, reason: label }),
  YearClosed: z.strictObject({ year }),
} as const satisfies Record<EventType, z.ZodType>;

export const envelopeSchema = z.strictObject({
  id: identifier,
  region: identifier,
  type: z.enum(EVENT_TYPES, `unknown-type|must be one of ${EVENT_TYPES.join(', ')}`),
  occurredAt,
  actor: label.max(256, 'too-long|must be at most 256 characters'),
  // Only its being an object is checked here (its fields by the type's schema, on the data as given). A check alone
  // builds nothing: a loose object would copy every field (a third of this schema's time), a record would also run a
  // key and a value schema for each.
  data: z.custom<Record<string, unknown>>(
    (value) => typeof value === 'object' && value !== null && !Array.isArray(value),
    'wrong-type|must be a JSON object',
  ),
});

export type EventDataMap = { [K in EventType]: z.output<(typeof eventDataSchemas)[K]> };

interface Envelope {
  id: string;
  region: string;
  occurredAt: string;
  actor: string;
}

/** One event record of section 2, as recorded. */
export type BudgetEvent = { [K in EventType]: Envelope & { type: K; data: EventDataMap[K] } }[EventType];
export type EventOf<K extends EventType> = Extract<BudgetEvent, { type: K }>;

/**
 * The data fields that deciding and applying an event read, for the types whose records carry more (the payee and
 * description of a payment, say); every other type's data is read whole. `decide` and `evolve` take an `EventBody`,
 * so the compiler holds them to these fields, and a replay sends only these across threads.
 */
export const DECISIVE_FIELDS = {
  FundingCommitted: ['funder', 'year', 'amount'],
  SpendingRecorded: ['spendingId', 'actionId', 'year', 'amount'],
  SpendingCorrected: ['spendingId', 'amount'],
  SpendingReversed: ['spendingId'],
} as const satisfies { [K in EventType]?: readonly (keyof EventDataMap[K])[] };

type DecisiveFields = typeof DECISIVE_FIELDS;
type DecisiveData<K extends EventType> = K extends keyof DecisiveFields
  ? Pick<EventDataMap[K], Extract<DecisiveFields[K][number], keyof EventDataMap[K]>>
  : EventDataMap[K];

/** What deciding and applying an event read of it: its type and decisive data (a whole BudgetEvent is one). */
export type EventBody = { [K in EventType]: { type: K; data: DecisiveData<K> } }[EventType];
export type EventBodyOf<K extends EventType> = Extract<EventBody, { type: K }>;

/** The fields `decide` and `evolve` read of a type's data, in order; undefined for a type they read whole. */
export function decisiveFields(type: string): readonly string[] | undefined {
  return (DECISIVE_FIELDS as Partial<Record<string, readonly string[]>>)[type];
}

/** An event's data cut down to what `decide` and `evolve` read of it (the same object when they read it whole). */
export function decisiveData(type: string, data: unknown): unknown {
  const fields = decisiveFields(type);
  if (fields === undefined || typeof data !== 'object' || data === null) return data;
  const whole = data as Record<string, unknown>;
  const cut: Record<string, unknown> = {};
  for (const field of fields) if (Object.hasOwn(whole, field)) cut[field] = whole[field];
  return cut;
}
