import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decisionLine, parseDecisionLine } from './decision-text';
import { decisiveData, EVENT_TYPES } from './schemas';
import { eventSequence } from './testing/arbitraries';

describe('decisionLine', () => {
  it('reads back as the record it was written from, for every event of a history', () => {
    fc.assert(
      fc.property(
        eventSequence(),
        fc.constantFrom('accepted', 'rejected'),
        fc.constantFrom(null, 'year-closed', 'unknown-action'),
        (events, outcome, reason) => {
          for (const { type, data } of events) {
            expect(parseDecisionLine(decisionLine(type, outcome, reason, data))).toEqual({
              body: { type, data: decisiveData(type, data) },
              outcome,
              reason,
            });
          }
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('reads back what a forged record holds, whatever its outcome, reason and data', () => {
    const value = fc.oneof(
      fc.jsonValue(),
      fc.constantFrom('', 'a\tb', 'x\ny', '[1]', 2024, -0, 1.5, 'accepted'),
    );
    const data = fc.oneof(
      fc.jsonValue(),
      fc.dictionary(fc.constantFrom('spendingId', 'actionId', 'year', 'amount', 'funder', 'payee'), value),
    );
    fc.assert(
      fc.property(fc.constantFrom(...EVENT_TYPES), value, value, data, (type, outcome, reason, given) => {
        const back = parseDecisionLine(decisionLine(type, outcome, reason, given));
        // Through JSON where it has to: compared as JSON text, so that -0 and 0 count as the same.
        expect(JSON.stringify(back)).toBe(
          JSON.stringify({ body: { type, data: decisiveData(type, given) }, outcome, reason }),
        );
      }),
      { numRuns: 5000 },
    );
  });

  it('writes a payment as tab-separated text and other types as JSON', () => {
    const payment = {
      spendingId: 's1',
      actionId: 'A1',
      year: 2024,
      amount: '12.50',
      payee: 'P',
      bookedOn: 'x',
    };
    expect(decisionLine('SpendingRecorded', 'accepted', null, payment)).toBe(
      'SpendingRecorded\taccepted\t\ts1\tA1\t2024\t12.50',
    );
    expect(decisionLine('YearClosed', 'rejected', 'year-closed', { year: 2024 })).toBe(
      '["YearClosed","rejected","year-closed",{"year":2024}]',
    );
    expect(() => parseDecisionLine('SpendingRecorded\taccepted\t\ts1')).toThrow(/not a decision line/);
  });
});
