//! Turns one line of an event file (or one Kafka/HTTP record) into a typed event or named malformed-input reasons.
import type { z } from 'zod';
import { eventContent } from './hash-chain';
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
] as const;
export type MalformedReason = (typeof MALFORMED_REASONS)[number];

export interface MalformedIssue {
  reason: MalformedReason;
  /** Dotted path of the offending field, e.g. `data.amount`; empty for the whole record. */
  field: string;
  detail: string;
}

export type RecordValidation = { ok: true; event: BudgetEvent } | { ok: false; issues: MalformedIssue[] };

/** Longest accepted line in bytes-as-UTF-16-units; a longer line is refused before parsing. */
export const MAX_LINE_LENGTH = 65_536;

const KNOWN_REASONS: ReadonlySet<string> = new Set(MALFORMED_REASONS);

function toIssue(issue: z.core.$ZodIssue, prefix: string): MalformedIssue {
  const field = [prefix, ...issue.path.map(String)].filter((p) => p !== '').join('.');
  // An absent field is missing whatever its schema's own message says (a missing `type` is not an unknown type).
  if (
    (issue.code === 'invalid_type' || issue.code === 'invalid_value') &&
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
  const envelope = envelopeSchema.safeParse(value, { reportInput: true });
  if (!envelope.success) {
    return { ok: false, issues: envelope.error.issues.map((issue) => toIssue(issue, '')) };
  }
  // The data is checked as given, not as the envelope schema's output: z.record() drops a `__proto__` key, which
  // must still count as an unknown field.
  const given = (value as { data: unknown }).data;
  const data = eventDataSchemas[envelope.data.type].safeParse(given, { reportInput: true });
  if (!data.success) {
    return { ok: false, issues: data.error.issues.map((issue) => toIssue(issue, 'data')) };
  }
  // The record is kept exactly as given (no zod output), so that hashes and exports show what was sent.
  return { ok: true, event: value as BudgetEvent };
}

/** Validates one line of an NDJSON event file. Blank lines are the caller's to skip. */
export function validateLine(line: string): RecordValidation {
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
  // Only a \u escape can carry a lone surrogate into a string; RFC 8785, and so the hash chain, cannot hold one.
  if (result.ok && line.includes('\\u') && !hasCanonicalForm(result.event)) {
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
  return result;
}

function hasCanonicalForm(event: BudgetEvent): boolean {
  try {
    eventContent(event);
    return true;
  } catch {
    return false;
  }
}

export function describeIssue(issue: MalformedIssue): string {
  return issue.field === ''
    ? `${issue.reason}: ${issue.detail}`
    : `${issue.reason}: ${issue.field} ${issue.detail}`;
}
