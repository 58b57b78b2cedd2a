//! The tamper-evident chain of CONTRACT section 5: SHA-256 over the RFC 8785 canonical JSON of each record.
import { hash } from 'node:crypto';
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

/**
 * `deterministic: true` sorts keys with `<` and `>` (an insertion sort, or `Array.prototype.sort()` for long or
 * unordered key lists): both compare UTF-16 code units, which is JCS's order. A comparator function gave the same
 * order through `Array.prototype.sort(comparator)` for every object, at about a quarter more of the whole
 * canonicalization's time.
 */
const jcs = configure({
  deterministic: true,
  strict: true,
  bigint: false,
  circularValue: Error,
});

/**
 * `canonicalJson` of one field's value, with a shortcut for the strings, finite numbers and null a record's fields
 * hold: for those JSON.stringify writes exactly what JCS writes (RFC 8785 takes its string and number forms from
 * ECMAScript). A `\u` escape, where a lone surrogate would show, and any other value go through `canonicalJson`.
 */
export function canonicalScalar(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'string' || (typeof value === 'number' && Number.isFinite(value))) {
    const text = JSON.stringify(value);
    if (!text.includes('\\u')) return text;
  }
  return canonicalJson(value);
}

/**
 * The same text as one piece. V8 keeps a string built by concatenation (`+`, a template literal) as a tree of its
 * parts until something reads it whole, as `endsWith` does, which flattens it in place. A validating thread builds
 * thousands of such texts (an event's content, its prepared text) before it posts them as a batch: as trees, each
 * part lived through the scavenges meanwhile and was copied by them. Flat, the 1,000,000-event import's garbage
 * collector threads took about 0.5 CPU-s, against about 1 (and 0.7 with the content alone flat).
 */
export function flattened(text: string): string {
  void text.endsWith('}');
  return text;
}

/** One-shot `crypto.hash`: the same digest as `createHash`, at less than half its cost for a record's text. */
export function sha256Hex(text: string): string {
  return hash('sha256', text, 'hex');
}

/**
 * A record but its hash, as one object literal in the contract's field order: the event's fields (only those), then
 * where and how it was recorded. A literal, not a spread: this runs for every event appended.
 */
export function unhashedRecord(
  event: Pick<UnhashedRecord, 'id' | 'region' | 'type' | 'occurredAt' | 'actor' | 'data'>,
  position: number,
  recordedAt: string,
  outcome: 'accepted' | 'rejected',
  reason: RejectionReason | null,
  prevHash: string,
): UnhashedRecord {
  const { id, region, type, occurredAt, actor, data } = event;
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

/** The fields a record's hash covers, in the contract's order: every field but `hash` (and nothing else). */
function unhashedFields(record: UnhashedRecord): UnhashedRecord {
  return unhashedRecord(
    record,
    record.position,
    record.recordedAt,
    record.outcome,
    record.reason,
    record.prevHash,
  );
}

/**
 * The canonical JSON of a record, the text its hash covers. With `content`, the canonical JSON of the record's event
 * (`eventContent` of the very same event, e.g. from `validateLine(line, { content: true })`), the event is not
 * canonicalized again: see `composeRecordJson`. Without it, or when it does not fit, the whole record is.
 */
export function recordJson(record: UnhashedRecord, content?: string): string {
  if (content !== undefined) {
    const composed = composeRecordJson(record, content);
    if (composed !== undefined) return composed;
  }
  return canonicalJson(unhashedFields(record));
}

/**
 * The record's canonical JSON built from its event's canonical content, or undefined when `content` does not have
 * the shape `eventContent` gives this record's event (the caller then canonicalizes the whole record).
 *
 * JCS sorts keys by UTF-16 code units. The content's keys are actor, data, id, occurredAt, region, type; the record
 * adds outcome, position, prevHash, reason and recordedAt, which all sort between occurredAt and region. So the
 * record's text is the content's with `,"outcome":…,"position":…,"prevHash":…,"reason":…,"recordedAt":…` inserted
 * before `,"region":`. Everything in the content but `data` is fixed by the event's five simple fields, so the
 * content must begin with `{"actor":<actor>,"data":` and end with `,"id":<id>,"occurredAt":<occurredAt>,
 * "region":<region>,"type":<type>}`. Only `data` is taken on trust: it must be this event's (the caller's promise).
 * Each value is written by `canonicalJson` (or its shortcut `canonicalScalar`), so it is exactly what JCS writes for
 * it inside the whole record (and a value with no canonical form throws, as it would there); an absent value (which
 * JCS leaves out, key and all) falls back.
 */
export function composeRecordJson(record: UnhashedRecord, content: string): string | undefined {
  // Partial: a record read from JSON may lack a field, which JCS would leave out of the whole record's text.
  const { outcome, position, prevHash, reason, recordedAt } = record as Partial<UnhashedRecord>;
  if (
    outcome === undefined ||
    position === undefined ||
    prevHash === undefined ||
    reason === undefined ||
    recordedAt === undefined
  ) {
    return undefined;
  }
  const cut = recordCut(record, content);
  return cut === undefined
    ? undefined
    : spliceRecordJson(content, cut, outcome, position, prevHash, reason, recordedAt);
}

/**
 * Where a record's own fields go into its event's canonical content (`composeRecordJson`): the index of
 * `,"region":`, after checking that the content has the shape `eventContent` gives this event; undefined when it
 * does not (or a field is missing). A validating thread computes it once, so that the deciding thread only splices.
 */
export function recordCut(
  event: Partial<Pick<UnhashedRecord, 'actor' | 'id' | 'occurredAt' | 'region' | 'type'>>,
  content: string,
): number | undefined {
  const { actor, id, occurredAt, region, type } = event;
  if (
    actor === undefined ||
    id === undefined ||
    occurredAt === undefined ||
    region === undefined ||
    type === undefined
  ) {
    return undefined;
  }
  const prefix = `{"actor":${canonicalScalar(actor)},"data":`;
  const tail = `,"region":${canonicalScalar(region)},"type":${canonicalScalar(type)}}`;
  const head = `,"id":${canonicalScalar(id)},"occurredAt":${canonicalScalar(occurredAt)}`;
  const cut = content.length - tail.length;
  // The content holds at least the prefix, one character of data, the id and occurredAt, and the tail.
  if (
    cut < prefix.length + 1 + head.length ||
    !content.startsWith(prefix) ||
    !content.endsWith(tail) ||
    !content.startsWith(head, cut - head.length)
  ) {
    return undefined;
  }
  return cut;
}

/** The record's canonical JSON: its event's content with the record's own fields inserted at `cut` (`recordCut`). */
export function spliceRecordJson(
  content: string,
  cut: number,
  outcome: UnhashedRecord['outcome'],
  position: number,
  prevHash: string,
  reason: RejectionReason | null,
  recordedAt: string,
): string {
  return spliceFieldTexts(
    content,
    cut,
    canonicalScalar(outcome),
    canonicalScalar(position),
    canonicalScalar(prevHash),
    canonicalScalar(reason),
    canonicalScalar(recordedAt),
  );
}

/** The content with the record's own fields, each already as its JSON text, inserted at `cut`. */
function spliceFieldTexts(
  content: string,
  cut: number,
  outcome: string,
  position: string,
  prevHash: string,
  reason: string,
  recordedAt: string,
): string {
  return (
    content.slice(0, cut) +
    `,"outcome":${outcome},"position":${position},"prevHash":${prevHash}` +
    `,"reason":${reason},"recordedAt":${recordedAt}` +
    content.slice(cut)
  );
}

const HEX_HASH = /^[0-9a-f]{64}$/;

/**
 * The JSON of a previous hash: in quotes when it is 64 hex digits, as every hash this code computes is; escaped as
 * any string otherwise (a store's snapshot could hold anything).
 */
export function previousHashJson(prevHash: string): string {
  return HEX_HASH.test(prevHash) ? `"${prevHash}"` : canonicalScalar(prevHash);
}

/**
 * `spliceRecordJson` for a record the log itself has just decided, with the JSON of the values it sets written
 * directly: the outcome and reason are the decider's names (lowercase letters and hyphens: in quotes, they are their
 * JSON), the position a whole number, `prevHashJson` the JSON of the previous hash (`previousHashJson`, which the
 * caller keeps while the hash is its own), and `recordedAtJson` the JSON of the import's one `recordedAt`, written
 * once by the caller. On 1,000,000 events the five JSON.stringify calls per record were 3% of the deciding thread's
 * time, and checking each previous hash for hex digits another 2%.
 */
export function spliceDecidedRecordJson(
  content: string,
  cut: number,
  outcome: UnhashedRecord['outcome'],
  position: number,
  prevHashJson: string,
  reason: RejectionReason | null,
  recordedAtJson: string,
): string {
  return spliceFieldTexts(
    content,
    cut,
    `"${outcome}"`,
    String(position),
    prevHashJson,
    reason === null ? 'null' : `"${reason}"`,
    recordedAtJson,
  );
}

/** The hash of a record: over every field but `hash` itself. `content` as for `recordJson`. */
export function recordHash(record: UnhashedRecord, content?: string): string {
  return sha256Hex(recordJson(record, content));
}

/**
 * Builds the exported record with the contract's field order. `content`, the canonical JSON of the record's event
 * (`eventContent`), saves canonicalizing the event again; the record and its hash are the same with or without it.
 */
export function sealRecord(record: UnhashedRecord, content?: string): LogRecord {
  const sealed = unhashedFields(record) as LogRecord;
  sealed.hash = recordHash(sealed, content);
  return sealed;
}

/**
 * 16 bytes of SHA-256 over an event's canonical content (`eventContent`), as 22 base64 characters: enough to tell a
 * re-sent event from a different one with the same id, at a fraction of the content's memory.
 */
export function contentDigest(content: string): string {
  return hash('sha256', content, 'base64').slice(0, 22);
}

/** The part of a record that decides whether a re-sent event is the same one (section 2). */
export function eventContent(event: BudgetEvent): string {
  return eventContentCut(event).content;
}

/**
 * `eventContent` with its `recordCut`, both known as the text is written: JCS orders the six keys actor, data, id,
 * occurredAt, region, type, and each value is what JCS writes for it inside the object (`canonicalScalar`,
 * `canonicalJson`), so the text is canonicalJson of the six fields without sorting them or checking the result's
 * shape again (each was a third of a validating thread's canonicalization). A field that is absent, which JCS
 * would leave out, key and all, takes the whole object through `canonicalJson`; such content has no cut (`recordCut`
 * needs all six fields), so it is undefined.
 */
export function eventContentCut(event: BudgetEvent): { content: string; cut: number | undefined } {
  const { id, region, type, occurredAt, actor, data } = event as Partial<BudgetEvent>;
  if (
    id === undefined ||
    region === undefined ||
    type === undefined ||
    occurredAt === undefined ||
    actor === undefined ||
    data === undefined
  ) {
    return { content: canonicalJson({ id, region, type, occurredAt, actor, data }), cut: undefined };
  }
  const tail = `,"region":${canonicalScalar(region)},"type":${canonicalScalar(type)}}`;
  const content =
    `{"actor":${canonicalScalar(actor)},"data":${canonicalJson(data)},"id":${canonicalScalar(id)}` +
    `,"occurredAt":${canonicalScalar(occurredAt)}${tail}`;
  return { content: flattened(content), cut: content.length - tail.length };
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
  if (storedRecordHash(record) !== record.hash) return 'hash does not match the record';
  return null;
}

/** The fields of a record that its hash covers, in the contract's order; a record has these and `hash`. */
export const HASHED_FIELDS = [
  'id',
  'region',
  'type',
  'occurredAt',
  'actor',
  'data',
  'position',
  'recordedAt',
  'outcome',
  'reason',
  'prevHash',
] as const;

/**
 * The hash a record as read (from an export, say) must carry: over every field it has but `hash` (CONTRACT section
 * 5), so that a field added to a record breaks its link as a changed one does, as any auditor's own SHA-256 and JCS
 * would find. For a record with exactly the contract's fields (every record this system writes) it is `recordHash`.
 */
export function storedRecordHash(record: LogRecord): string {
  return sha256Hex(storedRecordJson(record));
}

/** A record's fields, `hash` included, in JCS order (their names are ASCII, so code-unit order is byte order). */
export const SORTED_RECORD_FIELDS = [...HASHED_FIELDS, 'hash'].sort();

/**
 * The text `storedRecordHash` covers: the canonical JSON of the record without its `hash`. A record with exactly the
 * contract's fields (every record of an intact export) is written field by field in their fixed JCS order, each value
 * by `canonicalScalar` (`canonicalJson` for `data`), which is exactly what JCS writes for the whole object at well
 * under half the cost of sorting its keys again for every record: what `audit verify` and `replay` spend most on.
 * Any other record (a field added or missing) is canonicalized as a whole.
 */
export function storedRecordJson(record: LogRecord): string {
  if (!hasExactlyRecordFields(record)) {
    const { hash: _hash, ...unhashed } = record;
    return canonicalJson(unhashed);
  }
  // In SORTED_RECORD_FIELDS order, `hash` left out (a unit test holds the two together).
  return (
    `{"actor":${canonicalScalar(record.actor)},"data":${canonicalScalar(record.data)}` +
    `,"id":${canonicalScalar(record.id)},"occurredAt":${canonicalScalar(record.occurredAt)}` +
    `,"outcome":${canonicalScalar(record.outcome)},"position":${canonicalScalar(record.position)}` +
    `,"prevHash":${canonicalScalar(record.prevHash)},"reason":${canonicalScalar(record.reason)}` +
    `,"recordedAt":${canonicalScalar(record.recordedAt)},"region":${canonicalScalar(record.region)}` +
    `,"type":${canonicalScalar(record.type)}}`
  );
}

const RECORD_FIELD_SET: ReadonlySet<string> = new Set(SORTED_RECORD_FIELDS);

/**
 * Whether the record's own enumerable keys are exactly the contract's twelve, none undefined (a key JCS would leave
 * out); JSON.parse makes no other kind of object.
 */
function hasExactlyRecordFields(record: LogRecord): boolean {
  const keys = Object.keys(record);
  if (keys.length !== RECORD_FIELD_SET.size) return false;
  for (const key of keys) {
    if (!RECORD_FIELD_SET.has(key) || (record as unknown as Record<string, unknown>)[key] === undefined)
      return false;
  }
  return true;
}
