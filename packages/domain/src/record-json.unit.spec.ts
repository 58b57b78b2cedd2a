// A record's canonical JSON composed from its event's canonical content (the hot path of the sequencer) is exactly
// the canonical JSON of the whole record, so records and hashes are the same whichever way they are sealed.
import canonicalize from 'canonicalize';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  canonicalJson,
  composeRecordJson,
  eventContent,
  recordHash,
  recordJson,
  sealRecord,
  storedRecordJson,
  SORTED_RECORD_FIELDS,
  HASHED_FIELDS,
  type LogRecord,
  type UnhashedRecord,
} from './hash-chain';
import { Ledger } from './ledger';
import { RegionLog } from './region-log';
import { REJECTION_REASONS } from './rejections';
import { EVENT_TYPES, type BudgetEvent } from './schemas';
import { initialState } from './state';
import { eventSequence } from './testing/arbitraries';
import { validateLine } from './validation';

/** Text that JCS has to take care with: quotes, backslashes, control characters, non-BMP, key-like fragments. */
const ODD_PIECES = [
  '"',
  '\\',
  '\\u0041',
  '\u0000',
  '\u0008',
  '\t',
  '\n',
  '\u001f',
  '\u007f',
  '\u00e9',
  'e\u0301',
  '\u2028',
  '\u2029',
  '\ufeff',
  '\uffff',
  '\ud83d\ude00',
  '\u{10ffff}',
  '€',
  '</script>',
  ',"region":"r","type":"YearClosed"}',
  '"outcome":"accepted"',
  '{"actor":',
];

/** Free text: any code points (never a lone surrogate, which validation refuses), mixed with odd pieces. */
function oddText(minLength: number): fc.Arbitrary<string> {
  return fc
    .array(
      fc.oneof(
        fc.string({ unit: 'binary', maxLength: 6 }),
        fc.string({ unit: 'grapheme', maxLength: 4 }),
        fc.constantFrom(...ODD_PIECES),
      ),
      { maxLength: 6 },
    )
    .map((parts) => parts.join(''))
    .filter((text) => text.length >= minLength && text.length <= 256);
}

const identifier = fc.stringMatching(/^[A-Za-z0-9._:-]{1,40}$/);
const timestamp = fc.constantFrom(
  '2024-01-01T00:00:00Z',
  '2024-02-29T23:59:59.123456789+14:00',
  '2000-01-01T00:00-00:30',
  '2100-12-31T23:59:59.9Z',
);

/** Replaces every free-text field of an event (actor and the texts of its data) with the given texts in turn. */
function withTexts(event: BudgetEvent, texts: string[]): BudgetEvent {
  let next = 0;
  const pick = (): string => {
    const text = texts[next % texts.length] ?? 'x';
    next += 1;
    return text;
  };
  const data = structuredClone(event.data) as Record<string, unknown>;
  for (const key of [
    'title',
    'intendedResult',
    'reference',
    'payee',
    'reason',
    'description',
    'invoiceRef',
  ]) {
    if (typeof data[key] === 'string') data[key] = pick();
  }
  if (event.type === 'RegionConfigured') {
    data.name = pick();
    data.funders = event.data.funders.map((f) => ({ ...f, name: pick(), municipalities: [pick(), pick()] }));
  }
  if (Array.isArray(data.partners)) data.partners = [pick(), pick()];
  if (event.type === 'SpendingRecorded') data.description = pick();
  return { ...event, actor: pick(), data } as BudgetEvent;
}

/** Sequences of valid events of one region, their free text odd, their ids and region arbitrary identifiers. */
const oddSequence = fc
  .record({
    events: eventSequence(25),
    texts: fc.array(oddText(1), { minLength: 1, maxLength: 8 }),
    region: identifier,
    idPrefix: identifier,
    occurredAt: timestamp,
    reversedKeys: fc.boolean(),
  })
  .map(({ events, texts, region, idPrefix, occurredAt, reversedKeys }) => ({
    region,
    events: events.map((event) => {
      const odd = { ...withTexts(event, texts), region, id: `${idPrefix}${event.id}`, occurredAt };
      // The key order of a line does not matter to its canonical form.
      return (reversedKeys ? Object.fromEntries(Object.entries(odd).reverse()) : odd) as BudgetEvent;
    }),
  }));

const hex64 = fc.stringMatching(/^[0-9a-f]{64}$/);

/** A record as sealing sees it: a valid event's fields plus arbitrary values of the five fields of the log. */
const unhashedRecord: fc.Arbitrary<{ record: UnhashedRecord; content: string }> = fc
  .record({
    sequence: oddSequence,
    at: fc.nat(),
    position: fc.oneof(
      fc.integer({ min: 1, max: 1000 }),
      fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }),
    ),
    // The recorded time is the caller's string; any string must come out as JCS writes it.
    recordedAt: fc.oneof(
      fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
      oddText(0),
    ),
    decided: fc.oneof(
      fc.constant({ outcome: 'accepted' as const, reason: null }),
      fc.constantFrom(...REJECTION_REASONS).map((reason) => ({ outcome: 'rejected' as const, reason })),
    ),
    prevHash: hex64,
  })
  .filter(({ sequence }) => sequence.events.length > 0)
  .map(({ sequence, at, position, recordedAt, decided, prevHash }) => {
    const event = sequence.events[at % sequence.events.length] as BudgetEvent;
    const validated = validateLine(JSON.stringify(event), { content: true });
    if (!validated.ok)
      throw new Error(`the arbitrary made an invalid event: ${JSON.stringify(validated.issues)}`);
    const { id, region, type, occurredAt, actor, data } = validated.event;
    return {
      record: {
        ...({ id, region, type, occurredAt, actor, data } as BudgetEvent),
        position,
        recordedAt,
        outcome: decided.outcome,
        reason: decided.reason,
        prevHash,
      },
      content: validated.content,
    };
  });

function withoutHash(record: LogRecord): UnhashedRecord {
  const { hash: _hash, ...unhashed } = record;
  return unhashed;
}

describe('composeRecordJson', () => {
  it('gets odd text from the arbitrary (a check of the arbitrary itself)', () => {
    const samples = fc.sample(unhashedRecord, { numRuns: 300, seed: 1 });
    const texts = samples.map(({ record }) => canonicalJson(record));
    const seen = (pattern: RegExp): boolean => texts.some((text) => pattern.test(text));
    expect(seen(/\\"/)).toBe(true); // an escaped quote
    expect(seen(/\\\\/)).toBe(true); // an escaped backslash
    expect(seen(/\\u00[01]/)).toBe(true); // a control character
    expect(seen(/[\ud800-\udbff][\udc00-\udfff]/)).toBe(true); // outside the BMP
    expect(seen(/"recordedAt":"[^"\d]/)).toBe(true); // a recorded time that is not a time
    expect(new Set(samples.map(({ record }) => record.type)).size).toBeGreaterThan(5);
    expect(new Set(samples.map(({ record }) => record.reason)).size).toBeGreaterThan(5);
  });

  it('writes exactly the canonical JSON of the whole record, for any valid event and record fields', () => {
    fc.assert(
      fc.property(unhashedRecord, ({ record, content }) => {
        expect(content).toBe(eventContent(record as BudgetEvent));
        const whole = canonicalJson(record);
        expect(composeRecordJson(record, content)).toBe(whole);
        expect(recordJson(record, content)).toBe(whole);
        expect(recordHash(record, content)).toBe(recordHash(record));
        const sealed = sealRecord(record, content);
        expect(sealed).toStrictEqual(sealRecord(record));
        expect(Object.keys(sealed)).toEqual(Object.keys(sealRecord(record)));
      }),
      { numRuns: 2000 },
    );
  });

  it('seals the same records through RegionLog.appendValidated, from the content and cut of validateLine, as append does', () => {
    fc.assert(
      fc.property(oddSequence, fc.nat({ max: 1_000_000 }), hex64, ({ region, events }, start, lastHash) => {
        // Two logs in the same arbitrary place of a chain: one seals from each event's validated content and cut
        // (appendValidated), the other canonicalizes the whole record (append).
        const fast = new RegionLog(initialState(region), new Ledger(region), start, lastHash);
        const slow = new RegionLog(initialState(region), new Ledger(region), start, lastHash);
        for (const event of events) {
          const line = JSON.stringify(event);
          const validated = validateLine(line, { content: true });
          if (!validated.ok) throw new Error(`invalid event: ${JSON.stringify(validated.issues)}`);
          const recordedAt = '2024-06-01T00:00:00.000Z';
          const withContent = fast.appendValidated(
            validated.event,
            recordedAt,
            validated.content,
            validated.cut,
          ).record;
          const without = slow.append(JSON.parse(line) as BudgetEvent, recordedAt).record;
          expect(withContent).toStrictEqual(without);
          expect(JSON.stringify(withContent)).toBe(JSON.stringify(without));
          expect(withContent.hash).toBe(recordHash(withoutHash(without)));
        }
        expect(fast.lastHash).toBe(slow.lastHash);
      }),
      { numRuns: 1000 },
    );
  }, 120_000);

  it('reseals a record read back (applyRecorded) to its hash with the content as without it', () => {
    fc.assert(
      fc.property(oddSequence, ({ region, events }) => {
        const log = RegionLog.empty(region);
        const records = events.map((event) => log.append(event, '2024-06-01T00:00:00.000Z').record);
        const replay = RegionLog.empty(region);
        for (const stored of records) {
          const record = JSON.parse(JSON.stringify(stored)) as LogRecord;
          expect(replay.applyRecorded(record, eventContent(record)).record).toStrictEqual(stored);
        }
      }),
      { numRuns: 1000 },
    );
  }, 120_000);

  it('falls back to canonicalizing the whole record when the content does not have the expected shape', () => {
    const { record, content } = fc.sample(unhashedRecord, { numRuns: 1, seed: 7 })[0]!;
    const whole = canonicalJson(record);
    const tail = `,"region":${canonicalJson(record.region)},"type":${canonicalJson(record.type)}}`;
    expect(content.endsWith(tail)).toBe(true);
    const otherType = EVENT_TYPES.find((t) => t !== record.type)!;
    const wrong = [
      // Does not end with the expected suffix: another type, another region, trailing space, cut short.
      content.slice(0, -tail.length) + `,"region":${canonicalJson(record.region)},"type":"${otherType}"}`,
      content.slice(0, -tail.length) + `,"region":"${record.region}x","type":${canonicalJson(record.type)}}`,
      `${content} `,
      content.slice(0, -1),
      // Ends right, but its id, occurredAt or actor is another event's, or it is far too short.
      content.replace(`,"id":${canonicalJson(record.id)},`, `,"id":${canonicalJson(`${record.id}x`)},`),
      content.replace(
        `"occurredAt":${canonicalJson(record.occurredAt)}`,
        '"occurredAt":"2024-01-01T00:00:01Z"',
      ),
      content.replace(`{"actor":${canonicalJson(record.actor)}`, '{"actor":"someone else"'),
      tail,
      '',
    ];
    for (const text of wrong) {
      expect(text).not.toBe(content);
      expect(composeRecordJson(record, text), text).toBeUndefined();
      expect(recordJson(record, text)).toBe(whole);
      expect(recordHash(record, text)).toBe(recordHash(record));
      expect(sealRecord(record, text)).toStrictEqual(sealRecord(record));
    }
    expect(composeRecordJson(record, content)).toBe(whole);
  });

  it('falls back when a field is missing, as JCS then leaves it out of the whole record', () => {
    const { record, content } = fc.sample(unhashedRecord, { numRuns: 1, seed: 11 })[0]!;
    const { reason: _reason, ...withoutReason } = record;
    const partial = withoutReason as UnhashedRecord;
    expect(composeRecordJson(partial, content)).toBeUndefined();
    expect(recordJson(partial, content)).toBe(canonicalJson(partial));
    expect(recordJson(partial, content)).not.toContain('"reason"');
  });

  it('throws as the whole record would for a value with no canonical form', () => {
    const { record, content } = fc.sample(unhashedRecord, { numRuns: 1, seed: 3 })[0]!;
    const bad = { ...record, recordedAt: 'x\ud800' };
    expect(() => recordJson(bad)).toThrow();
    expect(() => recordJson(bad, content)).toThrow();
  });
});

/** A record as read from an export: any of the above, sealed, then sometimes with fields of any JSON value. */
const readRecord: fc.Arbitrary<Record<string, unknown>> = fc
  .record({
    sealed: unhashedRecord.map(({ record }) => sealRecord(record)),
    replaced: fc.dictionary(fc.constantFrom(...SORTED_RECORD_FIELDS), fc.jsonValue(), { maxKeys: 3 }),
    // Mostly none added or removed, so that records with exactly the twelve fields (the fast path) are common.
    added: fc.oneof(
      { arbitrary: fc.constant({}), weight: 2 },
      fc.dictionary(fc.oneof(fc.string(), fc.constantFrom('__proto__', 'note')), fc.jsonValue(), {
        minKeys: 1,
        maxKeys: 2,
      }),
    ),
    removed: fc.oneof(
      { arbitrary: fc.constant<string[]>([]), weight: 2 },
      fc.subarray<string>([...SORTED_RECORD_FIELDS], { minLength: 1, maxLength: 2 }),
    ),
    reversed: fc.boolean(),
  })
  .map(({ sealed, replaced, added, removed, reversed }) => {
    // Through JSON, as an export is read: a "__proto__" key becomes an own field, not the prototype.
    const record = JSON.parse(JSON.stringify({ ...sealed, ...replaced })) as Record<string, unknown>;
    for (const [key, value] of Object.entries(added))
      Object.defineProperty(record, key, { value, enumerable: true, writable: true, configurable: true });
    const entries = Object.entries(record).filter(([key]) => !removed.includes(key));
    // Object.fromEntries defines each key as an own field, "__proto__" too.
    return Object.fromEntries(reversed ? entries.reverse() : entries);
  });

describe('storedRecordJson', () => {
  it('names the fields of a record in JCS order', () => {
    expect(SORTED_RECORD_FIELDS).toEqual([...HASHED_FIELDS, 'hash'].sort());
    // The order storedRecordJson writes them in: the keys of its text for a record with all twelve.
    const { record } = fc.sample(unhashedRecord, { numRuns: 1, seed: 5 })[0]!;
    const written = JSON.parse(storedRecordJson(sealRecord(record))) as Record<string, unknown>;
    expect(Object.keys(written)).toEqual(SORTED_RECORD_FIELDS.filter((key) => key !== 'hash'));
  });

  it('gets records with exactly the twelve fields and records without (a check of the arbitrary itself)', () => {
    const samples = fc.sample(readRecord, { numRuns: 300, seed: 2 });
    const exact = samples.filter(
      (record) => Object.keys(record).sort().join() === SORTED_RECORD_FIELDS.join(),
    ).length;
    expect(exact).toBeGreaterThan(50);
    expect(samples.length - exact).toBeGreaterThan(50);
    expect(samples.some((record) => Object.hasOwn(record, '__proto__'))).toBe(true);
  });

  it('is the reference JCS (canonicalize) of the record without its hash, for any record read from JSON', () => {
    fc.assert(
      fc.property(readRecord, (record) => {
        const { hash: _hash, ...unhashed } = record;
        const reference = canonicalize(unhashed);
        let written: string | undefined;
        try {
          written = storedRecordJson(record as unknown as LogRecord);
        } catch {
          written = undefined;
        }
        expect(written).toBe(reference);
      }),
      { numRuns: 2000 },
    );
  });

  it('leaves out a field whose value is undefined, as JCS does', () => {
    const { record } = fc.sample(unhashedRecord, { numRuns: 1, seed: 9 })[0]!;
    const sealed = { ...sealRecord(record), reason: undefined } as unknown as LogRecord;
    expect(storedRecordJson(sealed)).toBe(canonicalize({ ...sealed, hash: undefined }));
    expect(storedRecordJson(sealed)).not.toContain('"reason"');
  });
});

describe('validateLine content', () => {
  const event = {
    id: 'e1',
    region: 'r',
    type: 'YearClosed',
    occurredAt: '2024-01-01T00:00:00Z',
    actor: 'a',
    data: { year: 2024 },
  } as BudgetEvent;

  it('is the canonical content when asked for, and only then for a line without a \\u escape', () => {
    const line = JSON.stringify(event);
    const content = eventContent(event);
    expect(validateLine(line, { content: true })).toEqual({
      ok: true,
      event,
      content,
      cut: content.indexOf(',"region":'),
    });
    expect(validateLine(line)).toStrictEqual({ ok: true, event });
  });

  it('comes with a line whose \\u escapes were canonicalized anyway', () => {
    const line = JSON.stringify(event).replace('"a"', '"\\u00e9"');
    const result = validateLine(line);
    expect(result.ok && result.content).toBe(eventContent({ ...event, actor: 'é' }));
  });

  it('refuses a lone surrogate that came without a \\u escape when the content is asked for', () => {
    const line = JSON.stringify(event).replace('"a"', '"a\ud800"');
    const result = validateLine(line, { content: true });
    expect(!result.ok && result.issues[0]?.reason).toBe('bad-text');
  });
});
