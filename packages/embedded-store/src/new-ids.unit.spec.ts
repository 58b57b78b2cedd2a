import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { NewIds } from './new-ids';

describe('NewIds', () => {
  it('always says an added id may be there, whatever the ids (any text, repeats, the empty string)', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ unit: 'grapheme' }), { maxLength: 300 }), (ids) => {
        const seen = new NewIds();
        for (const id of ids) {
          seen.add(id);
          expect(seen.mayHold(id)).toBe(true);
        }
        for (const id of ids) expect(seen.mayHold(id)).toBe(true);
      }),
      { numRuns: 1000 },
    );
  });

  it('says "maybe" to few ids it was not given, and "no" to most, also past its first capacity', () => {
    const seen = new NewIds();
    const count = 1_200_000; // five filters, of 4,096 to 1,048,576 ids
    for (let i = 0; i < count; i++) seen.add(`e-${i}`);
    for (let i = 0; i < count; i += 997) expect(seen.mayHold(`e-${i}`)).toBe(true);
    let maybe = 0;
    const asked = 100_000;
    for (let i = 0; i < asked; i++) if (seen.mayHold(`other-${i}`)) maybe += 1;
    // Five filters of well under 1% each; 3% leaves room without letting a broken hash through.
    expect(maybe / asked).toBeLessThan(0.03);
    expect(maybe).toBeGreaterThan(0);
  });

  it('hashes an id once when it is added right after being asked about, and also when it is not', () => {
    const seen = new NewIds();
    expect(seen.mayHold('a')).toBe(false);
    seen.add('b'); // not the id last asked about
    expect(seen.mayHold('b')).toBe(true);
    expect(seen.mayHold('a')).toBe(false);
    seen.add('a');
    expect(seen.mayHold('a')).toBe(true);
  });
});
