//! Turns one line of an event file (or one Kafka/HTTP record) into a typed event or named malformed-input reasons.
import type { z } from 'zod';
import { eventContentCut } from './hash-chain';
import { envelopeSchema, eventDataSchemas, type BudgetEvent } from './schemas';

/** Malformed-input reasons (section 2): input that is never appended. Stable names; add, never rename. */
export const MALFORMED_REASONS = [
  'not-json',
  'line-too-long',
  'wrong-type',
  'missing-field',
  'unknown-field',
  'unknown-type',
  'unknown-theme',
  'bad-id',
  'bad-year',
  'start-after-end',
  'bad-amount',
  'bad-share',
  'shares-not-one',
  'bad-date',
  'bad-timestamp',
  'empty-field',
  'too-long',
  'duplicate-funder',
  'bad-text',
  'conflicting-id',
  'invalid',
  'bad-encoding',
] as const;
export type MalformedReason = (typeof MALFORMED_REASONS)[number];

export interface MalformedIssue {
  reason: MalformedReason;
  /** Dotted path of the offending field, e.g. `data.amount`; empty for the whole record. */
  field: string;
  detail: string;
}

export type RecordValidation = { ok: true; event: BudgetEvent } | { ok: false; issues: MalformedIssue[] };

/**
 * A line's validation. On success `content` is the event's canonical JSON (`eventContent(event)`, RFC 8785) when
 * it was computed: always with `validateLine(line, { content: true })`, and otherwise for a line with a `\u`
 * escape (checked for lone surrogates that way). Callers hash it (to tell a re-sent event from a conflicting one)
 * and pass it on (`prepareEvent`, `RegionLog.appendValidated`) instead of canonicalizing the event again. `cut`
 * comes with it: where a record's own fields go into it (`recordCut`), so that it need not be found again.
 */
export type LineValidation =
  { ok: true; event: BudgetEvent; content?: string; cut?: number } | { ok: false; issues: MalformedIssue[] };

/** A line's validation with the event's canonical JSON (and its cut) always there on success. */
export type LineValidationWithContent =
  { ok: true; event: BudgetEvent; content: string; cut: number } | { ok: false; issues: MalformedIssue[] };

export interface LineValidationOptions {
  /**
   * Also return the event's canonical JSON (`content`) for every valid line. It costs one canonicalization per
   * line, which a caller that needs the content (to hash or append the event) would pay anyway.
   */
  content?: boolean;
}

/** Longest accepted line in bytes-as-UTF-16-units; a longer line is refused before parsing. */
export const MAX_LINE_LENGTH = 65_536;

const KNOWN_REASONS: ReadonlySet<string> = new Set(MALFORMED_REASONS);

function toIssue(issue: z.core.$ZodIssue, prefix: string): MalformedIssue {
  const field = [prefix, ...issue.path.map(String)].filter((p) => p !== '').join('.');
  // An absent field is missing whatever its schema's own message says (a missing `type` is not an unknown type).
  if (
    (issue.code === 'invalid_type' || issue.code === 'invalid_value' || issue.code === 'custom') &&
    issue.input === undefined &&
    field !== ''
  ) {
    return { reason: 'missing-field', field, detail: 'is required' };
  }
  const [head, ...rest] = issue.message.split('|');
  if (head !== undefined && KNOWN_REASONS.has(head) && rest.length > 0) {
    return { reason: head as MalformedReason, field, detail: rest.join('|') };
  }
  switch (issue.code) {
    case 'invalid_type':
      return issue.input === undefined
        ? { reason: 'missing-field', field, detail: `is required (${issue.expected})` }
        : { reason: 'wrong-type', field, detail: `must be of type ${issue.expected}` };
    case 'unrecognized_keys':
      return {
        reason: 'unknown-field',
        field: [field, ...issue.keys].filter((p) => p !== '').join('.'),
        detail: `is not a field of this record (${issue.keys.join(', ')})`,
      };
    case 'invalid_key':
      return {
        reason: 'bad-id',
        field,
        detail: 'a key must be an identifier: 1-64 characters from A-Z a-z 0-9 . _ : -',
      };
    default:
      return { reason: 'invalid', field, detail: issue.message };
  }
}

/** Validates one already-parsed JSON value as an event record of section 2. */
export function validateRecord(value: unknown): RecordValidation {
  const envelope = envelopeSchema.safeParse(value);
  if (!envelope.success) return { ok: false, issues: issuesOf(envelopeSchema, value, '') };
  // The data is checked as given, not as the envelope schema's output, which need not keep every key as given (zod
  // drops a `__proto__` key from objects it builds), and such a key must still count as an unknown field.
  const given = (value as { data: unknown }).data;
  const schema: z.ZodType = eventDataSchemas[envelope.data.type];
  if (!schema.safeParse(given).success) return { ok: false, issues: issuesOf(schema, given, 'data') };
  // The record is kept exactly as given (no zod output), so that hashes and exports show what was sent.
  return { ok: true, event: value as BudgetEvent };
}

/**
 * The named issues of a value its schema refused. Parsed again with `reportInput`, which tells a missing field from
 * a wrong one but costs about twice as much: only refused input (rare) pays for it.
 */
function issuesOf(schema: z.ZodType, value: unknown, prefix: string): MalformedIssue[] {
  const again = schema.safeParse(value, { reportInput: true });
  if (again.success) return [{ reason: 'invalid', field: prefix, detail: 'was refused, then accepted' }];
  return again.error.issues.map((issue) => toIssue(issue, prefix));
}

/**
 * Starts a line whose bytes were not UTF-8 (section 2: lines are UTF-8), before its text as decoded with U+FFFD in
 * place of the bad bytes: a lone surrogate, which text decoded from bytes can never hold, so the mark cannot be taken
 * for input. The readers of bytes (`decodeLine` in the application) put it there; `validateLine` refuses such a
 * line as `bad-encoding` rather than take the replacement characters for what was sent.
 */
export const NOT_UTF8_MARK = '\ud800';

/** Why a line that is not UTF-8 is refused (also for an input refused whole for it, such as a JSON body). */
export const NOT_UTF8_ISSUE: Readonly<MalformedIssue> = Object.freeze({
  reason: 'bad-encoding',
  field: '',
  detail:
    'is not UTF-8: save the file as UTF-8 (a spreadsheet or finance system may export Latin-1 or Windows-1252)',
});

/**
 * Validates one line of an NDJSON event file. Blank lines are the caller's to skip. A valid line's event must also
 * have a canonical JSON form (no lone surrogate); its text comes back as `content` (see `LineValidation`).
 */
export function validateLine(line: string, options: { content: true }): LineValidationWithContent;
export function validateLine(line: string, options?: LineValidationOptions): LineValidation;
export function validateLine(line: string, options?: LineValidationOptions): LineValidation {
  if (line.startsWith(NOT_UTF8_MARK)) return { ok: false, issues: [NOT_UTF8_ISSUE] };
  if (line.length > MAX_LINE_LENGTH) {
    return {
      ok: false,
      issues: [
        { reason: 'line-too-long', field: '', detail: `lines may be at most ${MAX_LINE_LENGTH} characters` },
      ],
    };
  }
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch (error) {
    const detail = error instanceof Error ? error.message : 'not valid JSON';
    return { ok: false, issues: [{ reason: 'not-json', field: '', detail }] };
  }
  const result = validateRecord(value);
  if (!result.ok) return result;
  // Only a \u escape can carry a lone surrogate into a string (a line decoded from UTF-8 holds none of its own);
  // RFC 8785, and so the hash chain, cannot hold one.
  const canonical =
    options?.content === true || line.includes('\\u') ? canonicalContent(result.event) : undefined;
  if (canonical === null) {
    return {
      ok: false,
      issues: [
        {
          reason: 'bad-text',
          field: '',
          detail:
            'contains a lone UTF-16 surrogate (\\ud800-\\udfff), which JSON canonicalization (RFC 8785) refuses',
        },
      ],
    };
  }
  if (canonical === undefined) return result;
  return { ok: true, event: result.event, content: canonical.content, cut: canonical.cut };
}

/**
 * The event's canonical JSON and its cut, or null when it has none. A valid event has all six fields of its
 * content, so the cut is always found (a missing one would be a bug of the schemas: it throws).
 */
function canonicalContent(event: BudgetEvent): { content: string; cut: number } | null {
  let made: ReturnType<typeof eventContentCut>;
  try {
    made = eventContentCut(event);
  } catch {
    return null;
  }
  const { content, cut } = made;
  if (cut === undefined)
    throw new Error(`event ${event.id} has no place for a record's fields in its content`);
  return { content, cut };
}

export function describeIssue(issue: MalformedIssue): string {
  return issue.field === ''
    ? `${issue.reason}: ${issue.detail}`
    : `${issue.reason}: ${issue.field} ${issue.detail}`;
}
