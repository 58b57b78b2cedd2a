//! The tamper-evident chain of CONTRACT section 5: SHA-256 over the RFC 8785 canonical JSON of each record.
import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';
import { configure } from 'safe-stable-stringify';
import type { RejectionReason } from './rejections';
import type { BudgetEvent } from './schemas';

export const GENESIS_HASH = '0'.repeat(64);

/** One record of a region's log as exported: the event's fields, then where and how it was recorded. */
export type LogRecord = BudgetEvent & {
  position: number;
  recordedAt: string;
  outcome: 'accepted' | 'rejected';
  reason: RejectionReason | null;
  prevHash: string;
  hash: string;
};

export type UnhashedRecord = Omit<LogRecord, 'hash'>;

/**
 * RFC 8785 (JCS) for values read from JSON. safe-stable-stringify, with keys sorted by UTF-16 code units and strict
 * types, writes exactly JCS for such values (a property test checks it against `canonicalize`, the reference
 * implementation by the RFC's author) at about a quarter of the cost. A `\u` escape in its output is the only
 * place a lone surrogate could hide, which JCS forbids: that rare text goes through `canonicalize`, which refuses it.
 */
export function canonicalJson(value: unknown): string {
  const text = jcs(value);
  if (text === undefined) throw new Error('value has no canonical JSON form');
  if (!text.includes('\\u')) return text;
  const checked = canonicalize(value);
  if (checked === undefined) throw new Error('value has no canonical JSON form');
  return checked;
}

const jcs = configure({
  deterministic: (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0),
  strict: true,
  bigint: false,
  circularValue: Error,
});

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/** The fields a record's hash covers, in the contract's order: every field but `hash` (and nothing else). */
function unhashedFields(record: UnhashedRecord): UnhashedRecord {
  const { id, region, type, occurredAt, actor, data, position, recordedAt, outcome, reason, prevHash } =
    record;
  return {
    id,
    region,
    type,
    occurredAt,
    actor,
    data,
    position,
    recordedAt,
    outcome,
    reason,
    prevHash,
  };
}

/** The hash of a record: over every field but `hash` itself. */
export function recordHash(record: UnhashedRecord): string {
  return sha256Hex(canonicalJson(unhashedFields(record)));
}

/** Builds the exported record with the contract's field order. */
export function sealRecord(record: UnhashedRecord): LogRecord {
  const sealed = unhashedFields(record);
  return { ...sealed, hash: recordHash(sealed) } as LogRecord;
}

/** The part of a record that decides whether a re-sent event is the same one (section 2). */
export function eventContent(event: BudgetEvent): string {
  const { id, region, type, occurredAt, actor, data } = event;
  return canonicalJson({ id, region, type, occurredAt, actor, data });
}

export type ChainCheck = { ok: true; count: number } | { ok: false; position: number; problem: string };

/**
 * Checks one record against the previous one: positions count up from 1, prevHash links, hash recomputes.
 * Stateless per call so that callers can stream any length of history.
 */
export function checkLink(record: LogRecord, expectedPosition: number, previousHash: string): string | null {
  if (record.position !== expectedPosition)
    return `position is ${String(record.position)}, expected ${expectedPosition}`;
  if (record.prevHash !== previousHash) return 'prevHash does not match the previous record';
  if (recordHash(record) !== record.hash) return 'hash does not match the record';
  return null;
}
