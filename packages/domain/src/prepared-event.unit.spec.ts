import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  eventContent,
  eventContentCut,
  canonicalScalar,
  recordCut,
  recordHash,
  previousHashJson,
  spliceDecidedRecordJson,
  spliceRecordJson,
  unhashedRecord,
} from './hash-chain';
import { prepareEvent, readPreparedEvent } from './prepared-event';
import { RegionLog } from './region-log';
import { REJECTION_REASONS } from './rejections';
import { decisiveData, type BudgetEvent } from './schemas';
import { snapshotOf } from './snapshot';
import { validateLine } from './validation';
import { eventSequence, REGION } from './testing/arbitraries';

/** An event whose data is read whole. */
const YEAR_CLOSED = {
  id: 'e-1',
  region: 'r',
  type: 'YearClosed',
  occurredAt: '2024-03-01T10:00:00Z',
  actor: 'c',
  data: { year: 2024 },
} as BudgetEvent;

/** Actors a tab-separated field cannot hold, or that JSON writes with escapes. */
const actor = fc.constantFrom('fin-heerlen', 'a\tb', 'line\nbreak', 'é ü', '"quoted"', 'back\\slash');

/** Histories whose actors include the awkward ones. */
const histories = fc
  .tuple(eventSequence(), fc.array(actor, { minLength: 1 }))
  .map(([events, actors]) =>
    events.map((event, i): BudgetEvent => ({ ...event, actor: actors[i % actors.length] ?? 'x' })),
  );

describe('prepareEvent / readPreparedEvent', () => {
  it('read back as the envelope, the decisive data, the data as given, the content and its cut', () => {
    fc.assert(
      fc.property(histories, (events) => {
        for (const event of events) {
          const content = eventContent(event);
          const { id, region, type, occurredAt, actor: by, data } = event;
          expect(readPreparedEvent(prepareEvent(event, content))).toEqual({
            event: { id, region, type, occurredAt, actor: by, data: decisiveData(type, data) },
            content,
            dataJson: JSON.stringify(data),
            cut: recordCut(event, content),
          });
        }
      }),
      { numRuns: 1000 },
    );
  });

  it('decide, apply and seal exactly as the whole events do: records, journal, state and ledger', () => {
    // Sometimes the head hash is set from outside half-way (as a restored snapshot sets it), to anything.
    const forged = fc.option(fc.tuple(fc.nat(), fc.oneof(fc.stringMatching(/^[0-9a-f]{64}$/), fc.string())));
    fc.assert(
      fc.property(histories, forged, (events, forgery) => {
        const whole = RegionLog.empty(REGION);
        const prepared = RegionLog.empty(REGION);
        const validated = RegionLog.empty(REGION);
        const recordedAt = '2026-12-07T14:00:00.000Z';
        for (const [index, event] of events.entries()) {
          if (forgery !== null && index === forgery[0] % events.length) {
            whole.lastHash = forgery[1];
            prepared.lastHash = forgery[1];
            validated.lastHash = forgery[1];
          }
          const content = eventContent(event);
          const appended = whole.append(event, recordedAt);
          const { record, entries, year } = appended;
          // The sequencer's way: the whole record, in the contract's field order, from the content and its cut.
          const { content: text, cut } = eventContentCut(event);
          const fromCut = validated.appendValidated(event, recordedAt, text, cut ?? -1);
          expect(fromCut).toEqual(appended);
          expect(JSON.stringify(fromCut.record)).toBe(JSON.stringify(record));
          const sealed = prepared.appendPrepared(readPreparedEvent(prepareEvent(event, content)), recordedAt);
          expect(sealed).toEqual({
            position: record.position,
            outcome: record.outcome,
            reason: record.reason,
            prevHash: record.prevHash,
            hash: record.hash,
            entries,
            year,
          });
        }
        expect(snapshotOf(prepared)).toEqual(snapshotOf(whole));
        expect(snapshotOf(validated)).toEqual(snapshotOf(whole));
      }),
      { numRuns: 1000 },
    );
  });

  it('writes a payment as tab-separated fields and falls back to JSON for a value with a tab', () => {
    const payment: BudgetEvent = {
      id: 'e-1',
      region: 'r',
      type: 'SpendingRecorded',
      occurredAt: '2024-03-01T10:00:00Z',
      actor: 'fin',
      data: {
        spendingId: 's1',
        actionId: 'A',
        year: 2024,
        amount: '12.50',
        payee: 'P',
        description: 'd',
        bookedOn: '2024-03-01',
      },
    };
    const content = eventContent(payment);
    const cut = recordCut(payment, content) ?? -1;
    expect(prepareEvent(payment, content)).toBe(
      `e-1\tr\tSpendingRecorded\t2024-03-01T10:00:00Z\tfin\t${cut}\ts1\tA\t2024\t12.50\t` +
        `${JSON.stringify(payment.data)}\n${content}`,
    );
    const tabbed = { ...payment, actor: 'f\tin' };
    expect(prepareEvent(tabbed, eventContent(tabbed)).startsWith('["e-1","r","SpendingRecorded"')).toBe(true);
  });

  it('refuses a content that is not the event’s, and text it did not write', () => {
    const event = YEAR_CLOSED;
    expect(() => prepareEvent(event, eventContent({ ...event, id: 'e-2' }))).toThrow(/not that of event e-1/);
    expect(() =>
      readPreparedEvent(prepareEvent(event, eventContent(event)).replace('\n', ' ') as never),
    ).toThrow(/not a prepared event/);
  });

  it('splice a decided record’s fields as spliceRecordJson does, for every reason and any previous hash', () => {
    const event = YEAR_CLOSED;
    const content = eventContent(event);
    const cut = recordCut(event, content) ?? -1;
    const hex = fc.stringMatching(/^[0-9a-f]{64}$/);
    fc.assert(
      fc.property(
        fc.constantFrom('accepted' as const, 'rejected' as const),
        fc.constantFrom(null, ...REJECTION_REASONS),
        fc.oneof(hex, fc.string({ unit: 'grapheme' })),
        fc.nat(),
        fc.constantFrom('2026-12-07T14:00:00.000Z', 'odd "time"\n'),
        (outcome, reason, prevHash, position, recordedAt) => {
          expect(
            spliceDecidedRecordJson(
              content,
              cut,
              outcome,
              position,
              previousHashJson(prevHash),
              reason,
              canonicalScalar(recordedAt),
            ),
          ).toBe(spliceRecordJson(content, cut, outcome, position, prevHash, reason, recordedAt));
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('from lines as given (escapes, odd text, years written as 2.024e3, a funder named __proto__): the row and hash the whole record has', () => {
    const odd = fc.constantFrom('P', 'tab\tnew\nline', '\u0001\u2028 "q" \\ \ud83d\ude00', 'é', ' ');
    const lines = fc
      .tuple(eventSequence(), odd, odd, fc.constantFrom('', '.0', 'e0'), fc.boolean())
      .map(([events, payee, description, yearSpelling, escapeAll]) =>
        events.map((event) => {
          let line = JSON.stringify(event);
          if (event.type === 'SpendingRecorded') {
            const fields = `"payee":${JSON.stringify(payee)},"description":${JSON.stringify(description)}`;
            line = line.replace('"payee":"partner"', fields);
          }
          // Every non-ASCII UTF-16 unit as a \u escape: the same text to JSON.parse, other bytes to the line.
          if (escapeAll)
            line = line.replace(
              /[\u0080-\uffff]/g,
              (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
            );
          // A year as another spelling of the same number: JSON.parse makes it the same integer.
          return line.replace(/"year":(\d{4})/g, (_, y: string) => `"year":${y}${yearSpelling}`);
        }),
      );
    const proto = [
      '{"id":"p1","region":"r","type":"RegionConfigured","occurredAt":"2024-01-01T00:00:00Z","actor":"a","data":{"name":"R","funders":[{"id":"__proto__","name":"F","municipalities":[]},{"id":"b","name":"G","municipalities":[]}]}}',
      '{"id":"p2","region":"r","type":"FundingKeySet","occurredAt":"2024-01-01T00:00:00Z","actor":"a","data":{"year":2024,"actionId":null,"shares":{"__proto__":"0.5","b":"0.5"}}}',
    ];
    fc.assert(
      fc.property(lines, (given) => {
        const log = RegionLog.empty(REGION);
        const recordedAt = '2026-12-07T14:00:00.000Z';
        for (const line of [...proto, ...given]) {
          const validation = validateLine(line, { content: true });
          if (!validation.ok) throw new Error(`not valid: ${line}`);
          // The cut validation composes with the content is the one recordCut finds in it.
          expect(validation.cut).toBe(recordCut(validation.event, validation.content));
          const prepared = readPreparedEvent(
            prepareEvent(validation.event, validation.content, validation.cut),
          );
          const parsed = JSON.parse(line) as BudgetEvent;
          // What the row's data column held before: the data of the line as parsed, written by JSON.stringify.
          expect(prepared.dataJson).toBe(JSON.stringify(parsed.data));
          const prevHash = log.lastHash;
          const sealed = log.appendPrepared(prepared, recordedAt);
          // The whole record canonicalized from scratch, without the content: the hash an auditor computes.
          const record = unhashedRecord(
            parsed,
            sealed.position,
            recordedAt,
            sealed.outcome,
            sealed.reason,
            prevHash,
          );
          expect(sealed.hash).toBe(recordHash(record));
        }
      }),
      { numRuns: 300 },
    );
  });
});
