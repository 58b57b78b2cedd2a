import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { contentDigest } from '@budget/domain';
import { DigestIndex } from './digest-index';

describe('DigestIndex', () => {
  it('answers as a Map of id and digest would, past every growth', () => {
    const id = fc.stringMatching(/^[a-e]{1,3}$|^[A-Za-z0-9._:-]{1,64}$/);
    const digest = fc.constantFrom('a', 'b', 'c', 'd').map((content) => contentDigest(content));
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.boolean(), id, digest), { maxLength: 3000 }), (operations) => {
        const index = new DigestIndex();
        const model = new Map<string, string>();
        for (const [add, key, value] of operations) {
          if (add) {
            const fresh = !model.has(key);
            if (fresh) model.set(key, value);
            expect(index.add(key, value)).toBe(fresh);
          } else {
            const known = model.get(key);
            expect(index.matches(key, value)).toBe(known === undefined ? undefined : known === value);
          }
        }
        expect(index.size).toBe(model.size);
        for (const [key, value] of model) expect(index.matches(key, value)).toBe(true);
      }),
      { numRuns: 200 },
    );
  });

  it('keeps the first digest of an id, and refuses what is not a digest', () => {
    const index = new DigestIndex();
    const first = contentDigest('{"id":"e-1"}');
    const other = contentDigest('{"id":"e-1","x":1}');
    expect(index.add('e-1', first)).toBe(true);
    expect(index.add('e-1', other)).toBe(false);
    expect([index.matches('e-1', first), index.matches('e-1', other), index.matches('e-2', first)]).toEqual([
      true,
      false,
      undefined,
    ]);
    expect(index.matches('e-1', first.slice(1))).toBe(false);
    expect(() => index.add('e-3', 'short')).toThrow(/not a content digest/);
    expect(() => index.add('e-3', `${first.slice(1)}é`)).toThrow(/not a content digest/);
    expect(index.size).toBe(1);
  });
});
