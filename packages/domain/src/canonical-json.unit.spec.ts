// canonicalJson() is RFC 8785: it agrees with `canonicalize` (the RFC author's implementation) on any JSON value,
// and refuses what JCS refuses (lone surrogates).
import canonicalize from 'canonicalize';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalJson, eventContentCut, recordCut } from './hash-chain';
import type { BudgetEvent } from './schemas';
import { validateLine } from './validation';

describe('canonicalJson', () => {
  it('writes exactly what canonicalize writes, for any JSON value', () => {
    fc.assert(
      fc.property(fc.oneof(fc.jsonValue(), fc.jsonValue({ stringUnit: 'grapheme' })), (value) => {
        // As a value arrives here: parsed from JSON text.
        const parsed = JSON.parse(JSON.stringify(value)) as unknown;
        expect(canonicalJson(parsed)).toBe(canonicalize(parsed));
      }),
      { numRuns: 5000 },
    );
  });

  it('escapes as JCS does', () => {
    const value = JSON.parse(
      '{"b":1,"a":[true,null,"\\u0001é"],"A":{"€":0.5,"\\ud83d\\ude00":-0,"1e3":1e21}}',
    ) as unknown;
    expect(canonicalJson(value)).toBe('{"A":{"1e3":1e+21,"€":0.5,"😀":0},"a":[true,null,"\\u0001é"],"b":1}');
  });

  it('sorts keys by UTF-16 code units, in its own writer (no escape sends the text to canonicalize)', () => {
    // "😀" (U+1F600, units D83D DE00) sorts before "！" (U+FF01) in UTF-16 order, after it in code point order;
    // "10" before "9". Many keys, given in reverse, take the sort's other ways (more than 32 moves, more than 200).
    const many = (n: number): string =>
      Array.from({ length: n }, (_, i) => `"k${String(n - i).padStart(3, '0')}":${String(i)}`).join(',');
    const text = `{"b":1,"A":{"！":1,"€":0.5,"\\ud83d\\ude00":-0,"1e3":1e21,"10":2,"9":3},"m":{${many(40)}},"n":{${many(250)}}}`;
    const value = JSON.parse(text) as unknown;
    const written = canonicalJson(value);
    expect(written.includes('\\u')).toBe(false);
    expect(written).toBe(canonicalize(value));
    expect(
      written.startsWith('{"A":{"10":2,"1e3":1e+21,"9":3,"€":0.5,"😀":0,"！":1},"b":1,"m":{"k001":39,'),
    ).toBe(true);
  });

  it('refuses a lone surrogate', () => {
    expect(() => canonicalJson(JSON.parse('{"a":"\\ud800"}'))).toThrow();
  });
});

describe('eventContentCut', () => {
  const text = fc.oneof(
    fc.string(),
    fc.string({ unit: 'grapheme' }),
    fc.constantFrom('a"b', 'tab\there', '\u00e9'),
  );
  const field = fc.option(text, { nil: undefined });

  it("writes canonicalize's text for the six fields of any event, and the cut recordCut finds in it", () => {
    fc.assert(
      fc.property(
        fc.record({ id: field, region: field, type: field, occurredAt: field, actor: field }),
        fc.option(fc.jsonValue(), { nil: undefined }),
        (envelope, data) => {
          // As an event arrives here: parsed from JSON text (an absent field stays absent).
          const event = JSON.parse(JSON.stringify({ ...envelope, data })) as BudgetEvent;
          const { content, cut } = eventContentCut(event);
          const { id, region, type, occurredAt, actor } = event;
          expect(content).toBe(canonicalize({ id, region, type, occurredAt, actor, data: event.data }));
          expect(cut).toBe(recordCut(event, content));
        },
      ),
      { numRuns: 3000 },
    );
  });

  it("puts the cut before the region, where the record's own fields sort", () => {
    const event = JSON.parse(
      '{"id":"e1","region":"r","type":"YearClosed","occurredAt":"2024-01-01T00:00:00Z","actor":"a","data":{"year":2024}}',
    ) as BudgetEvent;
    const { content, cut } = eventContentCut(event);
    expect(content.slice(cut)).toBe(',"region":"r","type":"YearClosed"}');
    expect(() => eventContentCut({ ...event, actor: JSON.parse('"\\ud800"') as string })).toThrow();
  });
});

describe('an event line with a lone surrogate', () => {
  it('is malformed (bad-text), so it can never reach the hash chain', () => {
    const line =
      '{"id":"e1","region":"r","type":"YearClosed","occurredAt":"2024-01-01T00:00:00Z","actor":"a\\ud800","data":{"year":2024}}';
    const result = validateLine(line);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.issues[0]?.reason).toBe('bad-text');
    expect(validateLine(line.replace('\\ud800', '\\u00e9')).ok).toBe(true);
  });
});
